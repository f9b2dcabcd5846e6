import { UI_MESSAGE_STREAM_HEADERS } from 'ai'
import { chatIdSchema, reconnectPart, resumeGeneration } from '@/lib/chat'
import { parseQuery, parseWith, route } from '@/lib/http'
import { withHeartbeats } from '@/lib/stream'
import { resumeQuery } from '@/app/api/chat/[id]/stream/schema'

export const dynamic = 'force-dynamic'
export const maxDuration = 300

/**
 * `useChat`'s resume endpoint: the chat's running answer (or `?generation=`, the one the page
 * saw running) from its durable stream — a full replay, then live — or 204 when none runs. Reading does not start or re-run
 * anything; closing the connection only ends this reader. At its lifetime the response ends with a
 * `data-reconnect` part naming the generation, to follow again with `?generation=`.
 */
export const GET = route('GET /api/chat/[id]/stream', async (request, { params }: RouteContext<'/api/chat/[id]/stream'>) => {
  const id = parseWith(chatIdSchema, (await params).id, 'chat_id')
  const { generation } = parseQuery(request, resumeQuery)
  const resumed = await resumeGeneration(id, request.signal, generation)
  if (!resumed) return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } })
  const body = withHeartbeats(resumed.body, { signal: request.signal, lifetime: { end: () => reconnectPart(resumed.generationId) } })
  return new Response(body, { headers: { ...UI_MESSAGE_STREAM_HEADERS, 'x-sluice-generation': resumed.generationId } })
})
