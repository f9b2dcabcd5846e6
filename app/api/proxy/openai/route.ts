import { chatCompletionsRequest } from '@/app/api/proxy/openai/schema'
import { reserveSlot } from '@/lib/access'
import { proxyChatCompletions } from '@/lib/ai'
import { parseJsonBody, route } from '@/lib/http'

export const dynamic = 'force-dynamic'
/** Seconds this route may run on Vercel (it streams for long). */
export const maxDuration = 300

/**
 * `POST /api/proxy/openai`: an OpenAI chat-completions request, forwarded with the server's key
 * to the configured OpenAI-compatible server; the response (SSE when `stream: true`) comes back
 * byte for byte, with the upstream status. Closing the connection aborts the upstream request.
 */
export const POST = route('POST /api/proxy/openai', async (request, _context, access) => {
  const body = await parseJsonBody(request, chatCompletionsRequest)
  // The server's key pays for each call: capped per visitor and per instance.
  return proxyChatCompletions(JSON.stringify(body), request.signal, reserveSlot('proxy', access.visitor))
})
