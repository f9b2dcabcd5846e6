import type { IncomingMessage, ServerResponse } from 'node:http'
import type { z } from 'zod'
import { countRequest } from '@/lib/activity'
import { type Access, accessTable, guard, type RouteKey } from '@/lib/access'
import { AppError, toAppError } from '@/lib/errors'
import { parseJsonText } from '@/lib/json-depth'
import { type IterablePump, type StreamChunk, takePump } from '@/lib/stream'

export type { Access, RouteKey } from '@/lib/access'

/**
 * Wraps a route handler under its row of the access table (`lib/access/table.ts`, keyed
 * `'<METHOD> <route path>'`): counts the request for the live metrics, runs the access guard
 * before the handler, hands the handler who is calling, and turns anything thrown into the app's
 * one error shape. Handlers stay thin: parse, call `lib/`, build a `Response`.
 */
export function route<Ctx = unknown>(
  key: RouteKey,
  handler: (request: Request, context: Ctx, access: Access) => Response | Promise<Response>,
): (request: Request, context: Ctx) => Promise<Response> {
  if (!(key in accessTable)) throw new Error(`[sluice] no access row for ${key}`)
  return async (request, context) => {
    countRequest()
    try {
      const guarded = await guard(key, request, context)
      return guarded.finish(await handler(request, context, guarded.access))
    } catch (error) {
      return toAppError(error).toResponse()
    }
  }
}

/**
 * The same wrapper for a Pages Router API route (`pages/api/…`, `bodyParser: false`), which gets
 * Node's `req`/`res` instead of a `Request`: one guard, one error shape, one handler signature.
 * The handler gets a `Request` carrying the method, URL, headers and abort signal (not the body:
 * reading it through a Web stream is the copy this transport avoids) and the raw `IncomingMessage`
 * as an async iterable of bytes; its `Response` is written to `res` with backpressure.
 * `method` is the one method the route serves (405 otherwise); `params` are Next's dynamic
 * segments (`req.query`; a catch-all segment is an array). `options.finish` sees every response,
 * the guard's refusals and errors included (the durable protocol adds its CORS headers there).
 */
export function nodeRoute<Ctx extends { params: Promise<Record<string, string | string[]>> }>(
  key: RouteKey,
  handler: (request: Request, context: Ctx, access: Access, body: AsyncIterable<Uint8Array>) => Response | Promise<Response>,
  options: { finish?: (response: Response) => Response } = {},
): NodeHandler {
  if (!(key in accessTable)) throw new Error(`[sluice] no access row for ${key}`)
  const method = key.slice(0, key.indexOf(' '))
  return async (req, res) => {
    countRequest()
    const abort = new AbortController()
    res.once('close', () => abort.abort(brokeOff()))
    let response: Response
    try {
      if (req.method !== method) throw new AppError('method_not_allowed:route', `${req.method} is not allowed here`)
      const headers = new Headers()
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
      const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { method, headers, signal: abort.signal })
      // `request.signal` follows `abort.signal` only while `request` itself is alive (undici links
      // them through a WeakRef): handlers keep the signal, not the request, so the response keeps
      // the request until the connection closes.
      requestOf.set(res, request)
      const params = Object.fromEntries(Object.entries(req.query ?? {}).filter((e): e is [string, string | string[]] => e[1] !== undefined))
      const context = { params: Promise.resolve(params) } as Ctx
      const guarded = await guard(key, request, context)
      response = guarded.finish(await handler(request, context, guarded.access, req))
    } catch (error) {
      response = toAppError(error).toResponse()
    }
    if (options.finish) response = options.finish(response)
    // Return to Next.js once the head is written: awaiting the whole body would keep Next's request
    // chain (its promises, spans and closures) alive for the life of a long stream. Next.js does not
    // end `res` when the handler resolves; the body goes on being written here, and `close` still
    // cancels it.
    writeHead(response, res)
    void writeBody(response, res)
  }
}

/** Why a Pages response's work is stopped when its client leaves. */
const brokeOff = () => new AppError('bad_request:aborted', 'The request broke off')

/** The `Request` each open Pages response was handed: see `nodeRoute`. */
const requestOf = new WeakMap<ServerResponse, Request>()

type NodeHandler = (req: IncomingMessage & { query?: Record<string, string | string[] | undefined> }, res: ServerResponse) => Promise<void>

/**
 * One Pages API route serving several methods, each its own `nodeRoute()` (its own access row): the
 * request goes to its method's handler; any other method gets the first handler, which answers the
 * one 405 error shape.
 */
export function nodeRoutes(byMethod: Record<string, NodeHandler>): NodeHandler {
  const fallback = Object.values(byMethod)[0]!
  return (req, res) => (byMethod[req.method ?? ''] ?? fallback)(req, res)
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.once('drain', done)
    res.once('close', done)
  })
}

/** Writes the status and headers of a Web `Response` to a Node `ServerResponse`. */
function writeHead(response: Response, res: ServerResponse): void {
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  res.writeHead(response.status, headers)
}

/**
 * Writes the body of a Web `Response` to a Node `ServerResponse`, waiting for `drain` when the
 * socket is full, and ends it; never rejects (a failing body destroys the response). A body made by
 * `iterableToStream` (every SSE and iterable response in `lib/stream`) that nobody has read yet is
 * written straight from its source ({@link takePump}): no Web stream between the source and the
 * socket, which is most of what an open reader allocates per event on this transport
 * (`BENCH_LIVE_ALLOC=1 npm run bench:live`).
 */
async function writeBody(response: Response, res: ServerResponse): Promise<void> {
  if (!response.body) return void res.end()
  const pump = takePump(response.body)
  if (pump) return writeFromPump(pump, res)
  const reader = response.body.getReader()
  const onClose = () => void reader.cancel().catch(() => {})
  res.once('close', onClose)
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done || res.destroyed) break
      if (!res.write(value)) await drainedOrClosed(res)
    }
    res.end()
  } catch {
    res.destroy()
  } finally {
    res.off('close', onClose)
  }
}

/** {@link writeBody} for a body read from its pump: the same backpressure, the same ending. */
async function writeFromPump(pump: IterablePump<StreamChunk>, res: ServerResponse): Promise<void> {
  // Chunks the source writes aside (`WriteAside`) go to the socket at once while it has room.
  pump.sink = { ready: () => !res.writableNeedDrain && !res.destroyed, write: (bytes) => void res.write(bytes) }
  const onClose = () => void pump.stop(brokeOff())
  res.once('close', onClose)
  try {
    for (;;) {
      const bytes = await pump.next()
      if (!bytes || res.destroyed) break
      if (!res.write(bytes)) await drainedOrClosed(res)
    }
    // A finished pump ends the response; otherwise the client left (or is leaving): stop the source.
    if (pump.outcome === 'done') res.end()
    else {
      res.destroy()
      await pump.stop(brokeOff())
    }
  } catch {
    res.destroy()
  } finally {
    res.off('close', onClose)
  }
}

/** A JSON response. */
export function json(data: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers)
  if (!headers.has('Content-Type')) headers.set('Content-Type', 'application/json; charset=utf-8')
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store')
  return new Response(JSON.stringify(data), { ...init, headers })
}

function issues(error: z.ZodError) {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
}

function describe(prefix: string, error: z.ZodError): string {
  const first = error.issues[0]
  if (!first) return prefix
  const where = first.path.length ? `${first.path.join('.')}: ` : ''
  return `${prefix}: ${where}${first.message}`
}

/** Parses with a zod schema; failure is a 400 `bad_request:<what>` naming the problem. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    throw new AppError(`bad_request:${what}`, describe(`Invalid ${what}`, parsed.error), { details: issues(parsed.error) })
  }
  return parsed.data
}

/** Query parameters as an object, checked against `schema`. */
export function parseQuery<S extends z.ZodType>(request: Request, schema: S): z.infer<S> {
  const params = Object.fromEntries(new URL(request.url).searchParams)
  return parseWith(schema, params, 'query')
}

/** A JSON body no larger than `maxBytes`, checked against `schema`. */
export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S, maxBytes = 1024 * 1024): Promise<z.infer<S>> {
  const type = request.headers.get('content-type') ?? ''
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new AppError('unsupported_media_type:body', 'Expected a JSON body (Content-Type: application/json)')
  }
  const length = Number(request.headers.get('content-length') ?? NaN)
  if (length > maxBytes) throw new AppError('too_large:body', `The body is over the limit of ${maxBytes} bytes`)
  const text = await readBodyText(request, maxBytes)
  return parseWith(schema, parseJsonText(text), 'body')
}

async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  if (!request.body) return ''
  const decoder = new TextDecoder()
  let text = ''
  let size = 0
  for await (const chunk of request.body) {
    size += chunk.byteLength
    if (size > maxBytes) throw new AppError('too_large:body', `The body is over the limit of ${maxBytes} bytes`)
    text += decoder.decode(chunk, { stream: true })
  }
  return text + decoder.decode()
}
