/** The app's one error shape as a client reads it: `{ error: { code, message, details? } }`. */
export interface ApiError {
  status: number
  code: string
  message: string
  /** zod issues of a `bad_request:*` refusal: which field, in words. */
  issues: Array<{ path: string; message: string }>
}

/** Reads a refused response's error; a body that is not the app's shape still gives a message. */
export async function readApiError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; details?: unknown } } | null
  const details = body?.error?.details
  const issues = Array.isArray(details)
    ? details.filter((d): d is { path: string; message: string } => typeof d?.path === 'string' && typeof d?.message === 'string')
    : []
  return { status: res.status, code: body?.error?.code ?? `http:${res.status}`, message: body?.error?.message ?? `HTTP ${res.status}`, issues }
}
