import { after } from 'next/server'
import { streamUrl } from '@/lib/durable'
import { json, parseJsonBody, route } from '@/lib/http'
import { startDurableExport } from '@/lib/jobs'
import { durableExportBody } from './schema'

export const dynamic = 'force-dynamic'
/** Seconds this route may run on Vercel (it streams for long). */
export const maxDuration = 300

/**
 * Starts an export into a durable stream and answers at once (202) with its URL; the rows are
 * written after the response (`after()`), and the URL can be read, tailed or shared meanwhile.
 */
export const POST = route('POST /api/jobs/export/durable', async (request, _context, access) => {
  const options = await parseJsonBody(request, durableExportBody)
  const { writer, rows, run } = await startDurableExport(options, access.visitor)
  await access.claim('stream', writer.id)
  after(run)
  return json({ id: writer.id, url: streamUrl(request, writer.id), rows }, { status: 202 })
})
