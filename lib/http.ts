import type { z } from 'zod'
import { countRequest } from '@/lib/activity'
import { type Access, accessTable, guard, type RouteKey } from '@/lib/access'
import { AppError, toAppError } from '@/lib/errors'
import { assertJsonDepth } from '@/lib/json-depth'

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
export async function parseJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  maxBytes = 1024 * 1024,
): Promise<z.infer<S>> {
  const type = request.headers.get('content-type') ?? ''
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new AppError('unsupported_media_type:body', 'Expected a JSON body (Content-Type: application/json)')
  }
  const length = Number(request.headers.get('content-length') ?? NaN)
  if (length > maxBytes) throw new AppError('too_large:body', `The body is over the limit of ${maxBytes} bytes`)
  const text = await readBodyText(request, maxBytes)
  assertJsonDepth(text)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new AppError('bad_request:json', 'The body is not valid JSON')
  }
  return parseWith(schema, value, 'body')
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
