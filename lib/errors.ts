/**
 * The one error shape of Sluice.
 *
 * Every failure a client may see is an {@link AppError} with a code of the form
 * `<kind>:<subject>` (e.g. `not_found:stream`, `too_large:upload`). The kind decides the HTTP
 * status; {@link AppError.toResponse} decides what the client sees: always
 * `{ "error": { "code", "message", "details"? } }`, never a stack trace.
 */

export type ErrorKind =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'gone'
  | 'too_large'
  | 'unsupported_media_type'
  | 'range_not_satisfiable'
  | 'rate_limited'
  | 'unavailable'
  | 'internal'

export type ErrorCode = `${ErrorKind}:${string}`

const statusByKind: Record<ErrorKind, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  too_large: 413,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown }
}

export class AppError extends Error {
  readonly code: ErrorCode
  readonly kind: ErrorKind
  readonly status: number
  readonly details: unknown
  /** Response headers that belong to this error (e.g. `Stream-Closed` on a protocol 409). */
  readonly headers: Headers | undefined

  constructor(code: ErrorCode, message: string, options: { details?: unknown; cause?: unknown; headers?: HeadersInit } = {}) {
    super(message, { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.kind = code.slice(0, code.indexOf(':')) as ErrorKind
    this.status = statusByKind[this.kind] ?? 500
    this.details = options.details
    this.headers = options.headers === undefined ? undefined : new Headers(options.headers)
  }

  toJSON(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message }
    if (this.details !== undefined) error.details = this.details
    return { error }
  }

  /** The HTTP response a client sees for this error. Extra headers (e.g. `Allow`) may be added. */
  toResponse(headers?: HeadersInit): Response {
    const h = new Headers(this.headers)
    new Headers(headers).forEach((value, key) => h.set(key, value))
    h.set('Content-Type', 'application/json; charset=utf-8')
    h.set('Cache-Control', 'no-store')
    return new Response(JSON.stringify(this.toJSON()), { status: this.status, headers: h })
  }
}

/** True for an {@link AppError}, also across bundle boundaries (each route is its own bundle). */
export function isAppError(value: unknown): value is AppError {
  return (
    value instanceof AppError ||
    (value instanceof Error && value.name === 'AppError' && typeof (value as AppError).code === 'string')
  )
}

/**
 * Turns anything thrown into an {@link AppError}. Unknown errors become `internal:unexpected`
 * with a generic message; the original is logged on the server, not sent to the client.
 */
export function toAppError(value: unknown): AppError {
  if (isAppError(value)) return value
  if (value instanceof Error && value.name === 'AbortError') {
    return new AppError('bad_request:aborted', 'The request was aborted', { cause: value })
  }
  console.error('[sluice] unexpected error', value)
  return new AppError('internal:unexpected', 'Something went wrong on the server', { cause: value })
}
