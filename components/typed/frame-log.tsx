import type { FrameType } from '@/lib/typed/client'

const colours: Record<FrameType, string> = {
  start: 'bg-zinc-200 text-zinc-800 dark:bg-zinc-700 dark:text-zinc-100',
  chunk: 'bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100',
  complete: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100',
  error: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100',
  cancel: 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100',
}

/** The frames received so far, as `type #id` badges (the last `limit`, with a count of the rest). */
export function FrameLog({ frames, limit = 40, testId }: { frames: { type: FrameType; id: string }[]; limit?: number; testId: string }) {
  const hidden = Math.max(0, frames.length - limit)
  return (
    <ol className="flex flex-wrap gap-1 font-mono text-xs" data-testid={testId} aria-label="Frames received">
      {hidden > 0 && <li className="px-1 text-zinc-600 dark:text-zinc-400">… {hidden} earlier</li>}
      {frames.slice(hidden).map((frame) => (
        <li key={frame.id} className={`rounded px-1.5 py-0.5 ${colours[frame.type]}`} data-frame={frame.type}>
          {frame.type} #{frame.id}
        </li>
      ))}
    </ol>
  )
}
