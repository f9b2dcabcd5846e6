import { JsonToSseTransformStream, UI_MESSAGE_STREAM_HEADERS } from 'ai'
import { after } from 'next/server'
import { chatRequestSchema } from '@/app/api/chat/schema'
import { reserveSlot } from '@/lib/access'
import { beginChatTiming, chatTimingOf, isTokenChunk, markFirst, reconnectPart, startGeneration } from '@/lib/chat'
import { parseJsonBody, route } from '@/lib/http'
import { withHeartbeats } from '@/lib/stream'

export const dynamic = 'force-dynamic'
/** Seconds a function may run on Vercel: the answer streams, then `after()` stores it. */
export const maxDuration = 300

/**
 * Starts an answer and streams it as a UI message stream (SSE). The chat must be the caller's (a
 * new id becomes theirs). The generation does not depend on this request: closing the
 * connection does not stop it (`POST /api/chat/:id/stop` does), and `after()` keeps the function
 * alive until it has ended and been stored. A response that reaches its lifetime
 * (`SLUICE_STREAM_LIFETIME_MS`) ends with a `data-reconnect` part; the rest is followed with
 * `GET /api/chat/:id/stream?generation=<id>`.
 */
const handler = route('POST /api/chat', async (request, _context, access) => {
  const timing = chatTimingOf(request)
  timing.mark('guard')
  const { id, ...turn } = await parseJsonBody(request, chatRequestSchema)
  timing.mark(`chat:${id}`)
  timing.mark('body')
  await access.claim('chat', id)
  timing.mark('claim-chat')
  const release = reserveSlot('chat', access.visitor)
  let generation
  try {
    generation = await startGeneration(id, turn, timing)
    await access.claim('stream', generation.id)
    timing.mark('claim-stream')
  } catch (error) {
    release()
    throw error
  }
  after(() => generation.done.finally(release))
  const chunks = markFirst(generation.chunks, timing, 'ui-token', isTokenChunk)
  const events = chunks.pipeThrough(new JsonToSseTransformStream()).pipeThrough(new TextEncoderStream())
  // A comment every 15 s while a tool or the model is quiet keeps proxies from closing the connection;
  // at its lifetime the response ends with a `data-reconnect` part and the page follows the rest.
  const body = withHeartbeats(events, { signal: request.signal, lifetime: { end: () => reconnectPart(generation.id) } })
  timing.mark('response')
  return new Response(markFirst(body, timing, 'first-byte', isTokenBytes), {
    headers: { ...UI_MESSAGE_STREAM_HEADERS, 'x-sluice-generation': generation.id },
  })
})

const tokenBytes = /"type":"(?:text|reasoning)-delta"/
const isTokenBytes = (chunk: Uint8Array) => tokenBytes.test(Buffer.from(chunk).toString('latin1'))

/** The route, timed from its entry when `SLUICE_CHAT_TIMING=1` (`lib/chat/timing.ts`). */
export const POST = (request: Request, context: unknown) => {
  beginChatTiming(request)
  return handler(request, context)
}
