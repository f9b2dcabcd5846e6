import { errorHeadline } from '@/components/api/error-words'

/**
 * The one way the browser calls the app's own HTTP API. A refused response becomes an
 * {@link ApiError} read from the server's one error shape (`lib/errors.ts`:
 * `{ error: { code, message, details? } }`), a network failure an `ApiError` with the code
 * `unavailable:network` and a sentence for people; an abort stays an `AbortError`, so callers can
 * tell "stopped" from "failed".
 *
 * ```ts
 * const { rows } = await apiJson<{ rows: number }>('/api/jobs/export/table')
 * try { await apiFetch('/api/durable', { method: 'POST', json: body }) }
 * catch (error) { const e = toApiError(error); e.field('namespace') }
 * ```
 */

/** One zod issue of a `bad_request:*` refusal: the field (dotted path) and what is wrong with it. */
export interface FieldIssue {
  path: string
  message: string
}

/** `status` 0: the request never got an answer (network down, server unreachable). */
export class ApiError extends Error {
  readonly status: number
  /** `<kind>:<subject>` as the server sent it (e.g. `bad_request:query`), for developers. */
  readonly code: string
  /** The zod issues of a `bad_request:*` refusal, field by field (empty otherwise). */
  readonly issues: FieldIssue[]
  /** The server's `details`, as sent. */
  readonly details: unknown
  /** From `Retry-After`, when the server said how long to wait. */
  readonly retryAfterMs: number | undefined

  constructor(code: string, message: string, options: { status?: number; details?: unknown; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.name = 'ApiError'
    this.code = code
    this.status = options.status ?? 0
    this.details = options.details
    this.retryAfterMs = options.retryAfterMs
    this.issues = Array.isArray(options.details)
      ? options.details.filter((d): d is FieldIssue => typeof d?.path === 'string' && typeof d?.message === 'string')
      : []
  }

  /** A headline for people (`components/api/error-words.ts`); the code stays for developers. */
  get headline(): string {
    return errorHeadline(this.code)
  }

  /** The request never reached the server, or its answer never arrived: trying again may work. */
  get network(): boolean {
    return this.code === 'unavailable:network'
  }

  /** The issue about `field` (its first path segment), if the server named one. */
  field(field: string): string | undefined {
    return this.issues.find((issue) => issue.path === field || issue.path.startsWith(`${field}.`))?.message
  }
}

/** Words for a request that got no answer (the browser says only "Failed to fetch"). */
export const NETWORK_MESSAGE = 'Could not reach the server: check the connection and try again.'

export function isAbortError(error: unknown): boolean {
  return (error instanceof DOMException || error instanceof Error) && error.name === 'AbortError'
}

/** The kind of error a status means, for a refusal whose body is not the app's shape (e.g. an upstream's, passed through). */
function kindOfStatus(status: number): string {
  const kinds: Record<number, string> = {
    400: 'bad_request',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    405: 'method_not_allowed',
    409: 'conflict',
    410: 'gone',
    413: 'too_large',
    415: 'unsupported_media_type',
    416: 'range_not_satisfiable',
    429: 'rate_limited',
    507: 'insufficient_storage',
  }
  return kinds[status] ?? (status >= 500 && status !== 500 ? 'unavailable' : 'internal')
}

/**
 * Reads a refused response's error. A body that is not the app's shape (an upstream's error passed
 * through by the proxy, a platform's HTML page) still gives a message, and a code `<kind>:http`
 * from the status.
 */
export async function readApiError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null
  const error = body?.error
  const retryAfter = Number(res.headers.get('retry-after'))
  return new ApiError(
    typeof error?.code === 'string' && error.code.includes(':') ? error.code : `${kindOfStatus(res.status)}:http`,
    typeof error?.message === 'string' ? error.message : `The server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`,
    {
      status: res.status,
      details: error?.details,
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    },
  )
}

/**
 * Anything a request threw, as an {@link ApiError}: an `ApiError` as it is, an error shaped like
 * the server's (`{ code, message, details }`, e.g. a typed stream's error frame) with its code,
 * anything else (a `TypeError: Failed to fetch`, a dropped body) as `unavailable:network`.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  const shaped = error as { code?: unknown; message?: unknown; status?: unknown; details?: unknown } | null
  if (typeof shaped?.code === 'string' && shaped.code.includes(':') && typeof shaped.message === 'string') {
    return new ApiError(shaped.code, shaped.message, {
      status: typeof shaped.status === 'number' ? shaped.status : undefined,
      details: shaped.details,
      cause: error,
    })
  }
  return new ApiError('unavailable:network', NETWORK_MESSAGE, { cause: error })
}

export type ApiInit = RequestInit & {
  /** A body sent as JSON (sets `Content-Type: application/json`). */
  json?: unknown
}

/**
 * `fetch` for the app's API: resolves with a response that is `ok` (2xx), throws an
 * {@link ApiError} otherwise (or when the network fails), rethrows an abort as it is.
 */
export async function apiFetch(input: string | URL, init: ApiInit = {}): Promise<Response> {
  const { json, ...rest } = init
  const headers = new Headers(rest.headers)
  if (json !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json')
  let res: Response
  try {
    res = await fetch(input, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body })
  } catch (error) {
    if (isAbortError(error) || rest.signal?.aborted) throw error
    throw toApiError(error)
  }
  if (!res.ok) throw await readApiError(res)
  return res
}

/** {@link apiFetch}, then the body as JSON of type `T`. */
export async function apiJson<T>(input: string | URL, init: ApiInit = {}): Promise<T> {
  const res = await apiFetch(input, init)
  try {
    return (await res.json()) as T
  } catch (error) {
    if (isAbortError(error) || init.signal?.aborted) throw error
    throw toApiError(error)
  }
}
