'use client'

import { useLiveMetrics } from '@/components/feed/use-live-metrics'

/** The server's count of running generations, from the live metrics feed. */
export function GenerationCount() {
  const metrics = useLiveMetrics()
  return (
    <p className="text-xs text-zinc-600 dark:text-zinc-400">
      Generations running on the server:{' '}
      <span data-testid="generation-count">{metrics.latest ? (metrics.latest.activeByKind.generation ?? 0) : '…'}</span>
    </p>
  )
}
