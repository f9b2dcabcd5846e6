import { after } from 'next/server'
import { startCsvExport, streamUrl } from '@/lib/durable'
import { json, parseJsonBody, route } from '@/lib/http'
import { exportBody } from '../schema'

export const dynamic = 'force-dynamic'
/** On Vercel: the export keeps writing after the response, within this limit (docs/scale-out.md). */
export const maxDuration = 300

/** Starts a CSV export: answers with the stream URL at once, writes the rows after the response. */
export const POST = route('POST /api/durable/demo/export', async (request, _context, access) => {
  const { rows } = await parseJsonBody(request, exportBody)
  const { writer, run } = await startCsvExport(rows, access.visitor)
  await access.claim('stream', writer.id)
  after(run)
  return json({ id: writer.id, url: streamUrl(request, writer.id) }, { status: 202 })
})
