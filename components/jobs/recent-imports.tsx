'use client'

import type { ApiError } from '@/components/api/fetch'
import { EmptyState } from '@/components/ui/empty-state'
import { ErrorMessage } from '@/components/ui/error-message'
import { formatMs } from '@/components/ui/format'
import { StatusBadge } from '@/components/ui/status-badge'
import type { ImportJob, ImportList, ImportStatus } from '@/lib/jobs'

const outcome: Record<ImportStatus, string> = {
  running: 'Running: these are the batches committed so far.',
  complete: 'Finished.',
  cancelled: 'Cancelled: the batches committed before stay.',
  failed: 'Failed: the batches committed before the failure stay; the reason was shown to the page that ran it.',
}

function counts(job: ImportJob): string {
  const n = (value: number) => value.toLocaleString('en')
  return `${n(job.inserted)} rows accepted · ${n(job.rejected)} rejected · ${n(job.processed)} read in ${n(job.batches)} batch(es), up to line ${n(job.lastLine)}`
}

function when(job: ImportJob): string {
  const started = new Date(job.startedAt)
  const at = started.toLocaleString('en', { dateStyle: 'medium', timeStyle: 'medium' })
  const source = job.source === 'upload' ? 'an uploaded file' : 'generated rows'
  return job.endedAt ? `${at} · ${source} · took ${formatMs(Date.parse(job.endedAt) - started.getTime())}` : `${at} · ${source}`
}

/** The caller's recent imports as stored on the server, newest first: outcome and counts in words. */
export function RecentImports({ list, error, onRetry }: { list: ImportList | null; error?: ApiError; onRetry: () => void }) {
  return (
    <section className="space-y-2 border-t border-zinc-200 pt-4 text-sm dark:border-zinc-800" aria-labelledby="recent-imports-title">
      <h3 id="recent-imports-title" className="font-medium">
        Your recent imports{list && list.total > list.jobs.length ? ` (the latest ${list.jobs.length} of ${list.total})` : ''}
      </h3>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        Stored on the server, so they are still here after a reload. Leaving the page cancels an import that is running (the server stops it
        at its next batch); what it committed stays.
      </p>
      {error && <ErrorMessage error={error} onRetry={onRetry} testId="imports-error" />}
      {list && list.jobs.length === 0 && (
        <EmptyState testId="imports-empty">No imports yet: start one above, and its result stays listed here.</EmptyState>
      )}
      {list && list.jobs.length > 0 && (
        <ul className="space-y-2" data-testid="imports">
          {list.jobs.map((job) => (
            <li
              key={job.id}
              className="space-y-1 rounded border border-zinc-200 p-2 dark:border-zinc-800"
              data-testid="import-entry"
              data-job-id={job.id}
              data-status={job.status}
            >
              <div className="flex flex-wrap items-center justify-between gap-2">
                <span className="text-xs text-zinc-600 dark:text-zinc-400">{when(job)}</span>
                <StatusBadge status={job.status} testId="import-entry-status" />
              </div>
              <p data-testid="import-entry-counts" data-inserted={job.inserted} data-rejected={job.rejected}>
                {counts(job)}
              </p>
              <p className="text-xs text-zinc-600 dark:text-zinc-400">{outcome[job.status]}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
