import { z } from 'zod'
import { AppError } from '@/lib/errors'
import { reserveSlot, type RunningKind } from '@/lib/access'
import { json, parseJsonBody, parseQuery, route, type Access, type RouteKey } from '@/lib/http'
import { stopSignals } from '@/lib/stop-signals'
import { sseResponse } from '@/lib/stream'
import type { AnyStreamDefinition } from '@/lib/typed/define'
import type { Logger } from '@/lib/typed/logger'
import { firstResponseOf, reattach, resumePoint } from '@/lib/typed/reattach'
import { startStream } from '@/lib/typed/run'

export interface StreamRouteOptions {
  /** Replaces the console logger (tests). */
  logger?: Logger
  /** Override the default (validate chunks and finals outside production). */
  validate?: boolean
  cancelGraceMs?: number
  heartbeatMs?: number
  /**
   * The running cap the stream counts against (`lib/access/limits.ts`): `typed` by default; a
   * stream that calls the model shares the chat answers' cap (`chat`).
   */
  running?: RunningKind
}

/** A Next.js route handler (the second argument is Next's route context, unused here). */
type Handler = (request: Request, context?: unknown) => Promise<Response>
/** A handler before the access guard: it is handed who is calling. */
type GuardedHandler = (request: Request, context: unknown, access: Access) => Promise<Response>

const cancelQuery = z.object({ stream: z.uuid('stream must be the streamId of a start frame') })

/**
 * A running stream's key in the stop registry, so `DELETE` reaches it on whichever instance runs
 * it (in Redis when the app runs on several instances).
 */
const stopKey = (name: string, streamId: string) => `stream:${name}:${streamId}`

/** A request that carries a body other than its JSON input: an upload the handler reads as it runs. */
function hasUpload(request: Request): boolean {
  if (request.method !== 'POST' || isJson(request)) return false
  return request.body !== null && request.headers.get('content-length') !== '0'
}

function isJson(request: Request): boolean {
  return /^application\/(.+\+)?json\b/i.test(request.headers.get('content-type') ?? '')
}

/**
 * Turns a typed stream definition into route handlers, in one line:
 *
 * ```ts
 * export const { GET, POST, DELETE } = streamRoute(countdown)
 * ```
 *
 * - `POST` with a JSON body: the body is the input. `GET`, or a `POST` with any other body (an
 *   upload the handler reads from `context.request.body`): the query string is the input.
 * - Invalid input → 400 `bad_request:body|query` with the zod issues in `details`; a guard that
 *   refuses → 401/403. Nothing has been streamed yet in either case.
 * - Then `200 text/event-stream` with the frames `start`, `chunk`…, and one of `complete`,
 *   `error`, `cancel`, each an SSE event named after the frame type with its position as `id`.
 * - `DELETE ?stream=<streamId>` cancels a running stream, on whichever instance runs it: 202, and
 *   the stream ends with `cancel`.
 * - A response open for `SLUICE_STREAM_LIFETIME_MS` ends with `event: reconnect` (id
 *   `<streamId>:<last frame id>`) while the run goes on; the same `GET`/`POST` with that
 *   `Last-Event-ID` (no input needed) continues with the next frame (`lib/typed/reattach.ts`).
 *   Not when the request carries an upload: the handler reads it, and it ends with the response.
 */
export function streamRoute<D extends AnyStreamDefinition>(
  definition: D,
  options: StreamRouteOptions & { path: string },
): { GET: Handler; POST: Handler; DELETE: Handler } {
  const handlers = streamHandlers(definition, options)
  const guarded = (method: 'GET' | 'POST' | 'DELETE') => route(`${method} ${options.path}` as RouteKey, handlers[method])
  // Built when exported: a route exports only the methods it serves, and each needs its row.
  return {
    get GET() {
      return guarded('GET')
    },
    get POST() {
      return guarded('POST')
    },
    get DELETE() {
      return guarded('DELETE')
    },
  }
}

/**
 * The handlers of {@link streamRoute} before the access guard, for tests and other transports:
 * each takes the request, the route context and the caller's {@link Access}. An opened stream
 * belongs to its caller (`typed-stream` in the owner store: only they may cancel it) and counts
 * against the running caps.
 */
export function streamHandlers<D extends AnyStreamDefinition>(
  definition: D,
  options: StreamRouteOptions = {},
): { GET: GuardedHandler; POST: GuardedHandler; DELETE: GuardedHandler } {
  async function open(request: Request, input: z.output<D['input']>, access: Access): Promise<Response> {
    for (const guard of definition.guards ?? []) {
      if ((await guard(request, input)) === false) {
        throw new AppError('forbidden:stream', `Not allowed to open the stream "${definition.name}"`)
      }
    }
    const id = crypto.randomUUID()
    const slot = reserveSlot(options.running ?? 'typed', access.visitor)
    let registration
    try {
      await access.claim('typed-stream', id)
      // Registered before the handler starts: a cancel can reach it from the first frame on.
      registration = (await stopSignals().register(stopKey(definition.name, id)))!
    } catch (error) {
      slot()
      throw error
    }
    const run = startStream(definition, input, {
      id,
      request,
      logger: options.logger,
      validate: options.validate,
      cancelGraceMs: options.cancelGraceMs,
    })
    registration.signal.addEventListener('abort', () => run.cancel('requested'), { once: true })
    void run.outcome.then(() => {
      slot()
      return registration.release()
    })
    return respond(request, run.id, firstResponseOf(run, !hasUpload(request)))
  }

  function respond(request: Request, streamId: string, { source, lifetime }: ReturnType<typeof firstResponseOf>): Response {
    return sseResponse(source, {
      done: false,
      signal: request.signal,
      heartbeatMs: options.heartbeatMs,
      headers: { 'X-Stream-Id': streamId },
      lifetime,
    })
  }

  /** A request whose `Last-Event-ID` names a run parked at its lifetime: the caller's own, from the next frame. */
  async function resume(request: Request, point: { streamId: string; lastId: string }, access: Access): Promise<Response> {
    await access.require('typed-stream', point.streamId)
    return respond(request, point.streamId, reattach(point))
  }

  return {
    GET: (request, _context, access) => {
      const point = resumePoint(request)
      return point ? resume(request, point, access) : open(request, parseQuery(request, definition.input), access)
    },
    POST: async (request, _context, access) => {
      const point = resumePoint(request)
      if (point) return resume(request, point, access)
      const input = isJson(request) ? await parseJsonBody(request, definition.input) : parseQuery(request, definition.input)
      return open(request, input, access)
    },
    DELETE: async (request) => {
      const { stream } = parseQuery(request, cancelQuery)
      if (!(await stopSignals().stop(stopKey(definition.name, stream), 'requested'))) {
        throw new AppError('not_found:stream', `No running "${definition.name}" stream with id ${stream}`)
      }
      return json({ streamId: stream, cancelling: true }, { status: 202 })
    },
  }
}
