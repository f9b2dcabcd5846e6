import { toApiError, type ApiError } from '@/components/api/fetch'
import { errorHeadline, issueInWords } from '@/components/api/error-words'

/** An error as the server (or a typed stream's error frame) shapes it. */
export type ErrorLike = ApiError | { code: string; message: string; details?: unknown }

/**
 * An error in words, announced (`role="alert"`): a headline for people from the code, the
 * server's sentence, the fields it concerns in words (unless the form shows them by each field:
 * `fieldsShown`), and — folded under "Details" for developers — the code and zod's own messages.
 * `onRetry` adds a Retry button (for failures the network caused, or a model that failed).
 */
export function ErrorMessage({
  error,
  testId,
  fieldsShown = false,
  onRetry,
  retryTestId,
  busy = false,
}: {
  error: ErrorLike
  testId: string
  /** The form already shows each issue by its field: say so instead of listing them again. */
  fieldsShown?: boolean
  onRetry?: () => void
  retryTestId?: string
  busy?: boolean
}) {
  const e = toApiError(error)
  const issues = e.issues
  return (
    <div
      role="alert"
      className="flex items-start justify-between gap-3 rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
      data-testid={testId}
      data-code={e.code}
    >
      <div className="min-w-0 space-y-1">
        <p className="font-medium">{errorHeadline(e.code)}</p>
        {issues.length > 0 && fieldsShown ? (
          <p>{issues.length === 1 ? 'The marked field needs a change.' : 'The marked fields need a change.'}</p>
        ) : issues.length > 0 ? (
          <ul className="list-disc pl-5">
            {issues.map((issue, i) => (
              <li key={i}>
                {issue.path ? `${issue.path}: ` : ''}
                {issueInWords(issue.message)}
              </li>
            ))}
          </ul>
        ) : (
          <p className="break-words">{e.message}</p>
        )}
        <details className="text-xs">
          <summary className="cursor-pointer select-none">Details</summary>
          <p className="break-words">
            <code>{e.code}</code>
            {e.status ? ` (HTTP ${e.status})` : ''} {issues.length > 0 ? e.message : ''}
          </p>
          {issues.length > 0 && (
            <ul className="list-disc pl-5">
              {issues.map((issue, i) => (
                <li key={i}>
                  <code>{issue.path}</code> {issue.message}
                </li>
              ))}
            </ul>
          )}
        </details>
      </div>
      {onRetry && (
        <button
          type="button"
          data-testid={retryTestId}
          disabled={busy}
          onClick={onRetry}
          className="shrink-0 rounded border border-red-500 px-2 py-0.5 hover:bg-red-100 disabled:opacity-50 dark:hover:bg-red-900"
        >
          Retry
        </button>
      )}
    </div>
  )
}
