'use client'

import { Card } from '@/components/ui/card'
import { formatBytes, formatMs, formatRate } from '@/components/ui/format'
import { timeTicks } from '@/components/inspector/time-axis'
import type { InspectorState } from '@/components/inspector/use-stream-inspector'

const phaseStyle: Record<InspectorState['phase'], string> = {
  idle: 'bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
  connecting: 'bg-amber-100 text-amber-800 dark:bg-amber-900/50 dark:text-amber-200',
  streaming: 'bg-sky-100 text-sky-800 dark:bg-sky-900/50 dark:text-sky-200',
  done: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200',
  stopped: 'bg-zinc-300 text-zinc-800 dark:bg-zinc-700 dark:text-zinc-100',
  error: 'bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200',
}

function Figure({ label, value, testId, raw }: { label: string; value: string; testId: string; raw?: number }) {
  return (
    <div>
      <dt className="text-xs text-zinc-600 dark:text-zinc-400">{label}</dt>
      <dd className="font-mono text-sm tabular-nums" data-testid={testId} data-value={raw}>
        {value}
      </dd>
    </div>
  )
}

/** Time to first byte, chunks, bytes, rate, and a timeline of chunk arrivals (time axis in ms or s) for one stream. */
export function Inspector({ state }: { state: InspectorState }) {
  const span = Math.max(state.elapsedMs, 1)
  const biggest = Math.max(1, ...state.timeline.map((c) => c.bytes))
  const ticks = state.elapsedMs > 0 ? timeTicks(span) : []
  return (
    <Card aria-label="Stream inspector">
      <div className="mb-3 flex items-center justify-between">
        <h2 className="text-sm font-medium">Inspector</h2>
        <span className={`rounded px-2 py-0.5 text-xs ${phaseStyle[state.phase]}`} data-testid="inspector-phase">
          {state.phase}
        </span>
      </div>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5">
        <Figure label="time to first byte" value={formatMs(state.firstByteMs)} testId="inspector-ttfb" raw={state.firstByteMs} />
        <Figure label="chunks" value={String(state.chunks)} testId="inspector-chunks" raw={state.chunks} />
        <Figure label="bytes" value={formatBytes(state.bytes)} testId="inspector-bytes" raw={state.bytes} />
        <Figure label="rate" value={formatRate(state.bytes, state.elapsedMs)} testId="inspector-rate" />
        <Figure label="elapsed" value={formatMs(state.elapsedMs)} testId="inspector-elapsed" raw={state.elapsedMs} />
      </dl>
      <svg
        className="mt-4 h-12 w-full text-sky-600 dark:text-sky-400"
        viewBox="0 0 1000 48"
        preserveAspectRatio="none"
        role="img"
        aria-label={`Timeline of ${state.chunks} chunk arrivals over ${formatMs(state.elapsedMs)}; a bar's height is the chunk's size (the tallest: ${formatBytes(biggest)})`}
        data-testid="inspector-timeline"
      >
        <line x1="0" y1="47" x2="1000" y2="47" className="stroke-zinc-300 dark:stroke-zinc-700" strokeWidth="1" />
        {state.timeline.map((c, i) => {
          const x = (c.atMs / span) * 998 + 1
          const h = 8 + (c.bytes / biggest) * 38
          return <line key={i} x1={x} x2={x} y1={47} y2={47 - h} stroke="currentColor" strokeWidth="2" />
        })}
        {ticks.map((t) => (
          <line
            key={`tick-${t}`}
            x1={(t / span) * 998 + 1}
            x2={(t / span) * 998 + 1}
            y1={44}
            y2={48}
            className="stroke-zinc-400"
            strokeWidth="1"
          />
        ))}
      </svg>
      {/* The axis labels in HTML: the stretched SVG would distort text. */}
      <div
        className="relative mt-1 h-4 font-mono text-[10px] tabular-nums text-zinc-600 dark:text-zinc-400"
        data-testid="inspector-axis"
        aria-hidden
      >
        {ticks.map((t, i) => (
          <span
            key={t}
            className="absolute top-0 whitespace-nowrap"
            style={
              i === 0
                ? { left: 0 }
                : t / span > 0.9
                  ? { right: `${100 - (t / span) * 100}%` }
                  : { left: `${(t / span) * 100}%`, transform: 'translateX(-50%)' }
            }
          >
            {formatMs(t)}
          </span>
        ))}
      </div>
      <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
        time since the request (one bar per chunk{state.chunks > 0 ? `; the tallest: ${formatBytes(biggest)}` : ''})
      </p>
      {state.error && (
        <p className="mt-2 text-sm text-red-700 dark:text-red-300" role="alert" data-testid="inspector-error">
          {state.error}
        </p>
      )}
    </Card>
  )
}
