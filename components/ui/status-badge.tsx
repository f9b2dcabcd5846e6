const colours: Record<string, string> = {
  idle: 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
  streaming: 'bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100',
  running: 'bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100',
  paused: 'bg-violet-100 text-violet-900 dark:bg-violet-900 dark:text-violet-100',
  complete: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100',
  error: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100',
  failed: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100',
  cancelled: 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100',
}

export function StatusBadge({ status, testId }: { status: string; testId: string }) {
  return (
    <span className={`rounded px-2 py-0.5 text-xs font-medium ${colours[status] ?? colours.idle}`} data-testid={testId}>
      {status}
    </span>
  )
}
