import { APICallError, RetryError } from 'ai'
import { AppError } from '@/lib/errors'

/**
 * Turns whatever a model call threw into the app's error shape, with a message a user can act
 * on. Provider statuses keep their meaning: 401 → `unauthorized:model`, 429 →
 * `rate_limited:model`, 5xx → `unavailable:model`; a connection that broke mid-answer is
 * `unavailable:model_stream`. The provider's status is kept in `details.status`.
 */
export function modelError(error: unknown): AppError {
  const cause = RetryError.isInstance(error) ? error.lastError : error
  // A status below 400 means the response had started (200) and its stream then failed.
  if (APICallError.isInstance(cause) && cause.statusCode !== undefined && cause.statusCode >= 400) {
    const status = cause.statusCode
    const details = { status, provider: providerMessage(cause) }
    if (status === 401 || status === 403) {
      return new AppError('unauthorized:model', `The model provider refused the credentials (${status}). Check OPENAI_API_KEY.`, {
        details,
        cause,
      })
    }
    if (status === 429) {
      return new AppError('rate_limited:model', 'The model provider is rate-limiting requests (429). Wait a moment, then retry.', {
        details,
        cause,
      })
    }
    if (status >= 500) {
      return new AppError('unavailable:model', `The model provider failed (${status}). Retry in a moment.`, { details, cause })
    }
    return new AppError('bad_request:model', `The model provider rejected the request (${status}): ${providerMessage(cause)}`, {
      details,
      cause,
    })
  }
  // No error status: the connection failed, or broke after the response had started.
  const message = cause instanceof Error ? cause.message : String(cause)
  return new AppError('unavailable:model_stream', `The connection to the model broke mid-answer: ${message}`, { cause })
}

function providerMessage(error: APICallError): string {
  try {
    const body = JSON.parse(error.responseBody ?? '') as { error?: { message?: unknown } }
    if (typeof body.error?.message === 'string') return body.error.message
  } catch {
    // not JSON: fall back to the SDK's message
  }
  return error.message
}

/** The text of a UI `error` chunk: the error body as JSON, so the client shows code and message. */
export function modelErrorText(error: unknown): string {
  return JSON.stringify(modelError(error).toJSON())
}
