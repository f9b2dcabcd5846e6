import { streamStore } from '@/lib/durable/instance'
import { streamPath, type StreamRequest } from '@/lib/durable/protocol-common'
import { baseHeaders, preflightHeaders } from '@/lib/durable/protocol-headers'
import { catchUp, headStream, longPoll, readMode } from '@/lib/durable/protocol-read'
import { sseRead } from '@/lib/durable/protocol-sse'
import { appendToStream, createStream, deleteStream } from '@/lib/durable/protocol-write'
import { toAppError } from '@/lib/errors'
import { type Access, route } from '@/lib/http'

/**
 * The Durable Streams protocol (PROTOCOL.md in durable-streams/durable-streams) at
 * `/v1/stream/<path>`: one handler per method, each a thin layer over the store. Every response,
 * errors included, carries the CORS and security headers. The same core ({@link serve}) sits
 * behind the App Router route handler ({@link streamRoute}) and the Pages API route that serves
 * the public URL ({@link nodeStreamHandler}).
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

/** The base headers, computed once (they never change). */
const BASE_HEADERS = [...baseHeaders()]

function withBaseHeaders(response: Response): Response {
  for (const [key, value] of BASE_HEADERS) if (!response.headers.has(key)) response.headers.set(key, value)
  return response
}

/** What Next.js hands the handlers of `app/v1/stream/[...path]` (the app's `RouteContext<'/v1/stream/[...path]'>`). */
interface StreamRouteContext {
  params: Promise<{ path: string[] }>
}

/**
 * The route handler for `method`, under its row of the access table: reads by URL, writes with
 * the streams token when one is set, and a stream a visitor created (with its cookie) is theirs.
 */
/** One protocol request, the guard passed: `segments` are the route's `[...path]`, `body` the request body. */
async function serve(
  method: Method,
  request: Request,
  segments: readonly string[],
  access: Access,
  body: AsyncIterable<Uint8Array> | null,
): Promise<Response> {
  try {
    const store = await streamStore()
    const path = streamPath(segments)
    const response = await handlers[method]({ request, url: new URL(request.url), path, store, body })
    if (method === 'PUT' && response.status === 201 && access.visitor !== undefined) await access.claim('stream', path)
    if (method === 'DELETE' && response.ok) await access.release('stream', path)
    return withBaseHeaders(response)
  } catch (error) {
    return withBaseHeaders(toAppError(error).toResponse())
  }
}

export function streamRoute(method: Method) {
  const handler = route<StreamRouteContext>(`${method} /v1/stream/[...path]`, async (request, context, access) =>
    serve(method, request, (await context.params).path, access, request.body),
  )
  // The guard's refusals too carry the CORS headers, so a browser client can read them.
  return async (request: Request, context: StreamRouteContext) => withBaseHeaders(await handler(request, context))
}

/** What `nodeRoute()` hands a Pages API route handler of `pages/api/…/[...path].ts`. */
export interface NodeStreamContext {
  params: Promise<Record<string, string | string[]>>
}

/**
 * The same protocol method as a handler for `nodeRoute()` in the Pages API route that serves the
 * public `/v1/stream/*` (`pages/api/node/v1/stream/[...path].ts`, `bodyParser: false`): Node's
 * request as the body, the same core. Give `nodeRoute()` {@link streamResponses} too, so the guard's
 * refusals carry the CORS headers as every other response does.
 */
export function nodeStreamHandler(method: Method) {
  return async (request: Request, context: NodeStreamContext, access: Access, body: AsyncIterable<Uint8Array>) => {
    const segments = (await context.params).path ?? []
    return serve(method, request, typeof segments === 'string' ? [segments] : segments, access, body)
  }
}

/** `nodeRoute()`'s options for the protocol's methods: every response gets the base (CORS, security) headers. */
export const streamResponses = { finish: withBaseHeaders }

/** CORS preflight: any origin may read and (with the token, if one is set) write. */
export function preflight(request: Request): Response {
  return new Response(null, { status: 204, headers: preflightHeaders(request.headers.get('access-control-request-headers')) })
}

export const preflightRoute = route('OPTIONS /v1/stream/[...path]', preflight)
