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
  | 'insufficient_storage'
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
  insufficient_storage: 507,
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
  return value instanceof AppError || (value instanceof Error && value.name === 'AppError' && typeof (value as AppError).code === 'string')
}

/** `SQLITE_FULL`, as `node:sqlite` reports it (the primary result code, also under an extended one). */
const SQLITE_FULL = 13

/**
 * True when `value` says the disk (or the user's quota) is full: `ENOSPC` or `EDQUOT` from the
 * file system, `SQLITE_FULL` ("database or disk is full") from `node:sqlite`.
 */
export function isDiskFull(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false
  const { code, errcode } = value as { code?: unknown; errcode?: unknown }
  if (code === 'ENOSPC' || code === 'EDQUOT') return true
  return code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' && (errcode & 0xff) === SQLITE_FULL
}

/**
 * `507 insufficient_storage:disk`: the disk is full. Nothing of the failed write was kept; reads
 * and deletes still work, and writes work again once space is freed (e.g. by deleting).
 */
export function diskFullError(cause?: unknown): AppError {
  return new AppError('insufficient_storage:disk', 'The server has no disk space left: delete something or try again later', { cause })
}

/**
 * Turns anything thrown into an {@link AppError}. A full disk becomes `insufficient_storage:disk`
 * (507); other unknown errors become `internal:unexpected` with a generic message; the original is
 * logged on the server, not sent to the client.
 */
export function toAppError(value: unknown): AppError {
  if (isAppError(value)) return value
  if (value instanceof Error && value.name === 'AbortError') {
    return new AppError('bad_request:aborted', 'The request was aborted', { cause: value })
  }
  if (isDiskFull(value)) {
    console.error('[sluice] the disk is full:', (value as Error).message)
    return diskFullError(value)
  }
  console.error('[sluice] unexpected error', value)
  return new AppError('internal:unexpected', 'Something went wrong on the server', { cause: value })
}
