import { openStream } from '@/lib/activity'
import { config, type Config } from '@/lib/config'
import { AppError } from '@/lib/errors'

export const OPENAI_API = 'https://api.openai.com/v1'

/** Response headers worth passing on from an OpenAI-compatible server. */
const FORWARDED = ['content-type', 'retry-after', 'x-request-id', 'openai-processing-ms', 'openai-model', 'openai-version']
const RATE_LIMIT = /^x-ratelimit-/

/** Where the proxy sends requests, or `undefined` when nothing is configured. */
export function proxyUpstream(c: Config = config()): { url: string; apiKey: string | undefined } | undefined {
  if (!c.OPENAI_API_KEY && !c.OPENAI_BASE_URL) return undefined
  return { url: `${(c.OPENAI_BASE_URL ?? OPENAI_API).replace(/\/+$/, '')}/chat/completions`, apiKey: c.OPENAI_API_KEY }
}

/**
 * Forwards a chat-completions request to the configured OpenAI-compatible server with the
 * server's key, and returns the upstream response as it is:
 * - the body is the upstream byte stream itself — not parsed, not re-encoded (the upstream is
 *   asked for `identity` encoding so the bytes are the ones it sent);
 * - the status and the error body of a failed upstream call pass through unchanged;
 * - `signal` (the client's request) aborts the upstream request, so a client that goes away
 *   stops the model.
 */
export async function proxyChatCompletions(body: string, signal: AbortSignal, onEnd: () => void = () => {}): Promise<Response> {
  try {
    return await forward(body, signal, onEnd)
  } catch (error) {
    onEnd()
    throw error
  }
}

/** `onEnd` runs once the response has ended (or failed, or the client left). */
async function forward(body: string, signal: AbortSignal, onEnd: () => void): Promise<Response> {
  const upstream = proxyUpstream()
  if (!upstream) {
    throw new AppError('unavailable:proxy', 'The proxy has no upstream: set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server)')
  }
  const headers = new Headers({
    'content-type': 'application/json',
    accept: 'text/event-stream, application/json',
    'accept-encoding': 'identity',
  })
  if (upstream.apiKey) headers.set('authorization', `Bearer ${upstream.apiKey}`)

  let response: Response
  try {
    response = await fetch(upstream.url, { method: 'POST', headers, body, signal })
  } catch (error) {
    if (signal.aborted) throw error
    throw new AppError('unavailable:upstream', `The upstream model server could not be reached (${new URL(upstream.url).host})`, {
      cause: error,
    })
  }

  const out = new Headers({ 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' })
  response.headers.forEach((value, key) => {
    if (FORWARDED.includes(key) || RATE_LIMIT.test(key)) out.set(key, value)
  })
  if (!response.body) {
    onEnd()
    return new Response(null, { status: response.status, headers: out })
  }

  const counted = openStream('proxy')
  const release = () => {
    counted()
    onEnd()
  }
  signal.addEventListener('abort', release, { once: true })
  // An identity transform: the same chunks, counted as an open stream until the body ends.
  const passThrough = new TransformStream<Uint8Array, Uint8Array>({ flush: release })
  return new Response(response.body.pipeThrough(passThrough), { status: response.status, statusText: response.statusText, headers: out })
}
