/** A labelled progress bar; `value` of `max`, or indeterminate when `max` is unknown. */
export function ProgressBar({ value, max, label, testId }: { value: number; max: number | undefined; label: string; testId: string }) {
  const percent = max ? Math.min(100, (value / max) * 100) : undefined
  return (
    <div className="space-y-1">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={max ? value : undefined}
        data-testid={testId}
        data-value={value}
        className="h-3 w-full overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
      >
        <div
          className={`h-full bg-sky-600 transition-[width] ${percent === undefined && value > 0 ? 'animate-pulse' : ''}`}
          style={{ width: `${percent ?? (value > 0 ? 100 : 0)}%` }}
        />
      </div>
      <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid={`${testId}-text`}>
        {label}: {value.toLocaleString('en')}
        {max ? ` of ${max.toLocaleString('en')} (${Math.floor(percent ?? 0)} %)` : ''}
      </p>
    </div>
  )
}
