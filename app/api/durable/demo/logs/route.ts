import { after } from 'next/server'
import { startLogProducer, streamUrl } from '@/lib/durable'
import { json, parseJsonBody, route } from '@/lib/http'
import { logsBody } from '../schema'

export const dynamic = 'force-dynamic'
/** On Vercel: the producer keeps writing after the response, within this limit (docs/scale-out.md). */
export const maxDuration = 300

/** Starts a log producer: answers with the stream URL at once, writes lines after the response. */
export const POST = route('POST /api/durable/demo/logs', async (request, _context, access) => {
  const { lines, intervalMs } = await parseJsonBody(request, logsBody)
  const { writer, run } = await startLogProducer(lines, intervalMs, access.visitor)
  await access.claim('stream', writer.id)
  after(run)
  return json({ id: writer.id, url: streamUrl(request, writer.id) }, { status: 202 })
})
