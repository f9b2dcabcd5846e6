'use client'

import { formatBytes } from '@/components/ui/format'
import type { StoredUpload } from '@/lib/uploads/files'

/** The finished uploads, each with a download link and a delete button. */
export function StoredUploads({
  uploads,
  error,
  onDelete,
}: {
  uploads: StoredUpload[] | null
  error: string | null
  onDelete: (name: string) => void
}) {
  return (
    <section className="space-y-2" aria-label="Stored uploads">
      <h2 className="text-sm font-medium">Stored uploads</h2>
      {error && (
        <p className="text-sm text-red-700 dark:text-red-300" role="alert">
          {error}
        </p>
      )}
      {uploads?.length === 0 && <p className="text-sm text-zinc-600 dark:text-zinc-400">Nothing stored yet.</p>}
      <ul className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800" data-testid="stored-uploads">
        {uploads?.map((u) => (
          <li key={u.name} className="flex flex-wrap items-center justify-between gap-2 p-3 text-sm" data-testid="stored-upload" data-name={u.name}>
            <div className="min-w-0">
              <div className="truncate font-medium">{u.name}</div>
              <div className="font-mono text-xs text-zinc-600 dark:text-zinc-400">
                {formatBytes(u.size)} · {new Date(u.uploadedAt).toLocaleString()} · sha256 {u.sha256 ? `${u.sha256.slice(0, 16)}…` : 'unknown'}
              </div>
            </div>
            <div className="flex gap-2">
              <a
                href={`/api/uploads/${encodeURIComponent(u.name)}`}
                download={u.name}
                className="rounded border border-zinc-300 px-2 py-0.5 text-xs dark:border-zinc-700"
                data-testid="stored-download"
              >
                download
              </a>
              <button
                type="button"
                className="rounded border border-zinc-300 px-2 py-0.5 text-xs dark:border-zinc-700"
                onClick={() => onDelete(u.name)}
                data-testid="stored-delete"
              >
                delete
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  )
}
