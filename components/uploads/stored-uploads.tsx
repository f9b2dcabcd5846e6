'use client'

import type { ApiError } from '@/components/api/fetch'
import { buttonClass, Button } from '@/components/ui/button'
import { EmptyState } from '@/components/ui/empty-state'
import { ErrorMessage } from '@/components/ui/error-message'
import { formatBytes } from '@/components/ui/format'
import type { StoredUpload } from '@/lib/uploads/client'

/** The finished uploads, each with a download link and a delete button. */
export function StoredUploads({
  uploads,
  error,
  onDelete,
  onRetry,
}: {
  uploads: StoredUpload[] | null
  error: { what: 'list' | 'delete'; name?: string; error: ApiError } | null
  onDelete: (name: string) => void
  onRetry: () => void
}) {
  return (
    <section className="space-y-2" aria-label="Stored uploads">
      <h2 className="text-sm font-medium">Stored uploads</h2>
      {error && (
        <div className="space-y-1" data-testid="stored-error">
          <p className="text-sm text-red-700 dark:text-red-300">
            {error.what === 'list'
              ? `Could not list the uploads${error.error.network ? ': trying again by itself' : ''}.`
              : `Could not delete ${error.name}.`}
          </p>
          <ErrorMessage
            error={error.error}
            testId="stored-error-detail"
            onRetry={error.what === 'list' ? onRetry : undefined}
            retryTestId="stored-retry"
          />
        </div>
      )}
      {uploads?.length === 0 && (
        <EmptyState testId="stored-empty">Nothing stored yet: drop a file above and it appears here once it is complete.</EmptyState>
      )}
      {uploads && uploads.length > 0 && (
        <ul
          className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800"
          data-testid="stored-uploads"
        >
          {uploads.map((u) => (
            <li
              key={u.name}
              className="flex flex-wrap items-center justify-between gap-2 p-3 text-sm"
              data-testid="stored-upload"
              data-name={u.name}
            >
              <div className="min-w-0">
                <div className="truncate font-medium">{u.name}</div>
                <div className="break-all font-mono text-xs text-zinc-600 dark:text-zinc-400">
                  {formatBytes(u.size)} · {new Date(u.uploadedAt).toLocaleString()} · sha256{' '}
                  {u.sha256 ? `${u.sha256.slice(0, 16)}…` : 'unknown'}
                </div>
              </div>
              <div className="flex gap-2">
                <a
                  href={`/api/uploads/${encodeURIComponent(u.name)}`}
                  download={u.name}
                  className={buttonClass('secondary', 'sm')}
                  data-testid="stored-download"
                >
                  download
                </a>
                <Button size="sm" onClick={() => onDelete(u.name)} data-testid="stored-delete">
                  delete
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
