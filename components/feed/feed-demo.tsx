'use client'

import { useState } from 'react'
import { apiJson, toApiError, type ApiError } from '@/components/api/fetch'
import { Button } from '@/components/ui/button'
import { ErrorMessage } from '@/components/ui/error-message'
import { formatBytes } from '@/components/ui/format'
import { checkContinuity, useLiveMetrics, type FeedConnection } from '@/components/feed/use-live-metrics'
import type { FeedSample } from '@/lib/feed'

const connectionStyle: Record<FeedConnection, string> = {
  connecting: 'bg-amber-100 text-amber-800 dark:bg-amber-900/50 dark:text-amber-200',
  open: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200',
  reconnecting: 'bg-amber-100 text-amber-800 dark:bg-amber-900/50 dark:text-amber-200',
  closed: 'bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200',
}

function Chart({
  samples,
  pick,
  label,
  format,
}: {
  samples: FeedSample[]
  pick: (s: FeedSample) => number
  label: string
  format: (n: number) => string
}) {
  const values = samples.map(pick)
  const max = Math.max(1e-9, ...values)
  const points = values.map((v, i) => `${(i / Math.max(1, values.length - 1)) * 300},${58 - (v / max) * 54}`).join(' ')
  const last = values.at(-1)
  return (
    <figure className="rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900">
      <figcaption className="flex justify-between text-xs text-zinc-600 dark:text-zinc-400">
        <span>{label}</span>
        <span className="font-mono text-zinc-900 dark:text-zinc-100">{last === undefined ? '—' : format(last)}</span>
      </figcaption>
      <svg viewBox="0 0 300 60" className="mt-2 h-16 w-full text-sky-600 dark:text-sky-400" preserveAspectRatio="none" aria-hidden>
        <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" vectorEffect="non-scaling-stroke" />
      </svg>
    </figure>
  )
}

/** The live metrics feed over `EventSource`, with a server-side "drop" to show gap-free reconnection. */
export function FeedDemo() {
  const m = useLiveMetrics()
  const [dropped, setDropped] = useState<string>('')
  const [dropError, setDropError] = useState<ApiError>()
  const { gaps, duplicates } = checkContinuity(m.received)

  async function drop() {
    setDropError(undefined)
    try {
      const body = await apiJson<{ dropped: number }>('/api/feed/drop', { method: 'POST' })
      setDropped(`server closed ${body.dropped} connection(s)`)
    } catch (error) {
      setDropError(toApiError(error))
    }
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <span className={`rounded px-2 py-0.5 text-xs ${connectionStyle[m.connection]}`} data-testid="feed-connection">
          {m.connection}
        </span>
        <span>
          last id{' '}
          <span className="font-mono" data-testid="feed-last-id">
            {m.latest?.id ?? '—'}
          </span>
        </span>
        <span>
          received{' '}
          <span className="font-mono" data-testid="feed-received">
            {m.received.length}
          </span>
        </span>
        <span>
          reconnections{' '}
          <span className="font-mono" data-testid="feed-reconnects">
            {Math.max(0, m.opens - 1)}
          </span>
        </span>
        <span>
          lifetime ends{' '}
          <span className="font-mono" data-testid="feed-rollovers">
            {m.rollovers}
          </span>
        </span>
        <span>
          gaps{' '}
          <span className="font-mono" data-testid="feed-gaps">
            {gaps}
          </span>
        </span>
        <span>
          duplicates{' '}
          <span className="font-mono" data-testid="feed-duplicates">
            {duplicates}
          </span>
        </span>
        <Button onClick={() => void drop()} className="ml-auto" data-testid="feed-drop">
          Drop connection (server side)
        </Button>
      </div>
      {dropError && <ErrorMessage error={dropError} testId="feed-drop-error" />}
      {dropped && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          {dropped}; the browser reconnects with Last-Event-ID and the server replays what was missed.
        </p>
      )}
      {m.lifetimeMs !== undefined && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="feed-lifetime">
          The server ends each connection after {Math.round(m.lifetimeMs / 100) / 10} s, before a platform would cut it, with an{' '}
          <code>event: reconnect</code> carrying the last id; the browser reconnected {m.rollovers} time(s) that way.
        </p>
      )}
      <div className="grid gap-3 sm:grid-cols-2">
        <Chart samples={m.samples} pick={(s) => s.eventLoopDelayMs.p99} label="event-loop delay p99" format={(n) => `${n.toFixed(1)} ms`} />
        <Chart samples={m.samples} pick={(s) => s.memory.rssBytes} label="resident memory" format={formatBytes} />
        <Chart samples={m.samples} pick={(s) => s.activeStreams} label="active streams" format={(n) => String(n)} />
        <Chart samples={m.samples} pick={(s) => s.requestsServed} label="requests served" format={(n) => String(n)} />
      </div>
      <details className="text-xs text-zinc-600 dark:text-zinc-400">
        <summary>ids in order of arrival</summary>
        <p className="mt-1 break-all font-mono" data-testid="feed-ids">
          {m.received.join(' ')}
        </p>
      </details>
    </div>
  )
}
