'use client'

import { Button } from '@/components/ui/button'
import { ErrorMessage } from '@/components/ui/error-message'
import { formatBytes } from '@/components/ui/format'
import { DISMISSABLE, type ItemStatus, type UploadItem } from '@/components/uploads/use-uploads'

const statusStyle: Record<ItemStatus, string> = {
  queued: 'bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
  uploading: 'bg-sky-100 text-sky-800 dark:bg-sky-900/50 dark:text-sky-200',
  retrying: 'bg-amber-100 text-amber-800 dark:bg-amber-900/50 dark:text-amber-200',
  interrupted: 'bg-amber-100 text-amber-800 dark:bg-amber-900/50 dark:text-amber-200',
  complete: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200',
  cancelled: 'bg-zinc-300 text-zinc-800 dark:bg-zinc-700 dark:text-zinc-100',
  failed: 'bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200',
}

function timeLeft(item: UploadItem, rate: number): string {
  const seconds = Math.ceil((item.size - item.offset) / rate)
  return seconds < 60 ? `${seconds} s left` : `${Math.floor(seconds / 60)} min ${seconds % 60} s left`
}

/** What the speed and the time left are, in words: never a placeholder dash. */
function pace(item: UploadItem): string {
  switch (item.status) {
    case 'queued':
      return 'waiting for a free slot (two run at once)'
    case 'uploading':
      return item.rate && item.rate > 0 ? `${formatBytes(item.rate)}/s · ${timeLeft(item, item.rate)}` : 'measuring the speed…'
    case 'retrying':
      return 'reconnecting…'
    case 'interrupted':
      return 'stopped by a page reload'
    case 'complete':
      return 'finished'
    case 'cancelled':
      return 'cancelled: the server removed its bytes'
    case 'failed':
      return 'failed'
  }
}

/**
 * One file: status, a progress bar fed by the server's bytes on disk, rate and time left in words;
 * Cancel while it runs, Dismiss once it has ended.
 */
export function UploadItemRow({ item, onCancel, onDismiss }: { item: UploadItem; onCancel: () => void; onDismiss: () => void }) {
  const percent = item.size > 0 ? Math.min(100, (item.offset / item.size) * 100) : item.status === 'complete' ? 100 : 0
  const active = item.status === 'queued' || item.status === 'uploading' || item.status === 'retrying' || item.status === 'interrupted'
  return (
    <li
      className="space-y-2 rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900"
      data-testid="upload-item"
      data-name={item.name}
      data-status={item.status}
      data-upload-id={item.id}
    >
      <div className="flex items-center justify-between gap-3">
        <span className="truncate font-medium">{item.name}</span>
        <div className="flex items-center gap-2">
          <span className={`rounded px-2 py-0.5 text-xs ${statusStyle[item.status]}`} data-testid="upload-status">
            {item.status}
          </span>
          {active && (
            <Button size="sm" onClick={onCancel} aria-label={`Cancel uploading ${item.name}`} data-testid="upload-cancel">
              Cancel
            </Button>
          )}
          {DISMISSABLE.has(item.status) && (
            <Button size="sm" onClick={onDismiss} aria-label={`Dismiss ${item.name}`} data-testid="upload-dismiss">
              Dismiss
            </Button>
          )}
        </div>
      </div>
      <div
        className="h-2 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
        role="progressbar"
        aria-label={`${item.name} on the server`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.floor(percent)}
        data-testid="upload-progress"
        data-offset={item.offset}
      >
        <div className="h-full bg-sky-700 transition-[width] duration-100 dark:bg-sky-400" style={{ width: `${percent}%` }} />
      </div>
      <div className="flex flex-wrap gap-x-4 gap-y-1 font-mono text-xs tabular-nums text-zinc-600 dark:text-zinc-400">
        <span data-testid="upload-percent">{percent.toFixed(1)} %</span>
        <span>
          {formatBytes(item.offset)} of {formatBytes(item.size)}
        </span>
        <span data-testid="upload-rate" data-value={item.rate ?? ''}>
          {pace(item)}
        </span>
        {item.resumedFrom !== undefined && (
          <span data-testid="upload-resumed" data-value={item.resumedFrom}>
            resumed at {formatBytes(item.resumedFrom)}
          </span>
        )}
      </div>
      {item.status === 'interrupted' && (
        <p className="text-xs text-amber-700 dark:text-amber-300" data-testid="upload-interrupted">
          Interrupted at {formatBytes(item.offset)}: pick or drop the same file again to resume from there.
        </p>
      )}
      {item.status === 'retrying' && (
        <p className="text-xs text-amber-700 dark:text-amber-300">Connection lost: resuming from the server&apos;s offset…</p>
      )}
      {item.sha256 && (
        <p className="break-all font-mono text-xs text-zinc-600 dark:text-zinc-400" data-testid="upload-sha256">
          sha256 {item.sha256}
        </p>
      )}
      {item.error && <ErrorMessage error={item.error} testId="upload-error" />}
    </li>
  )
}
