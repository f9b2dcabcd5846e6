import { chatCompletionsRequest } from '@/app/api/proxy/openai/schema'
import { proxyChatCompletions } from '@/lib/ai/proxy'
import { parseJsonBody, route } from '@/lib/http'

export const dynamic = 'force-dynamic'
/** Seconds this route may run on Vercel (it streams for long). */
export const maxDuration = 300

/**
 * `POST /api/proxy/openai`: an OpenAI chat-completions request, forwarded with the server's key
 * to the configured OpenAI-compatible server; the response (SSE when `stream: true`) comes back
 * byte for byte, with the upstream status. Closing the connection aborts the upstream request.
 */
export const POST = route(async (request) => {
  const body = await parseJsonBody(request, chatCompletionsRequest)
  return proxyChatCompletions(JSON.stringify(body), request.signal)
})
