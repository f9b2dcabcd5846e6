import { streamStore } from '@/lib/durable/instance'
import { streamPath, type StreamRequest } from '@/lib/durable/protocol-common'
import { baseHeaders, preflightHeaders } from '@/lib/durable/protocol-headers'
import { catchUp, headStream, longPoll, readMode } from '@/lib/durable/protocol-read'
import { sseRead } from '@/lib/durable/protocol-sse'
import { appendToStream, createStream, deleteStream } from '@/lib/durable/protocol-write'
import { toAppError } from '@/lib/errors'
import { route } from '@/lib/http'

/**
 * The Durable Streams protocol (PROTOCOL.md in durable-streams/durable-streams) at
 * `/v1/stream/<path>`: one handler per method, each a thin layer over the store. Every response,
 * errors included, carries the CORS and security headers.
 */

type Method = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE'

const handlers: Record<Method, (req: StreamRequest) => Promise<Response>> = {
  GET: (req) => {
    const { live, start } = readMode(req.url.searchParams)
    if (live === 'sse') return sseRead(req, start!)
    if (live === 'long-poll') return longPoll(req, start!)
    return catchUp(req, start)
  },
  HEAD: headStream,
  PUT: createStream,
  POST: appendToStream,
  DELETE: deleteStream,
}

function withBaseHeaders(response: Response): Response {
  baseHeaders().forEach((value, key) => {
    if (!response.headers.has(key)) response.headers.set(key, value)
  })
  return response
}

interface RouteContext {
  params: Promise<{ path: string[] }>
}

/** The route handler for `method`. */
export function streamRoute(method: Method) {
  return route<RouteContext>(async (request, context) => {
    try {
      const store = await streamStore()
      const path = streamPath((await context.params).path)
      return withBaseHeaders(await handlers[method]({ request, url: new URL(request.url), path, store }))
    } catch (error) {
      return withBaseHeaders(toAppError(error).toResponse())
    }
  })
}

/** CORS preflight: any origin may read and (with the token, if one is set) write. */
export const preflightRoute = route((request) => new Response(null, { status: 204, headers: preflightHeaders(request.headers.get('access-control-request-headers')) }))
