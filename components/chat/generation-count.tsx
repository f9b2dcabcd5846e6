'use client'

import { useEffect, useState } from 'react'

/** The server's count of running generations (from `/api/health`), refreshed every second. */
export function GenerationCount() {
  const [count, setCount] = useState<number | undefined>(undefined)
  useEffect(() => {
    let cancelled = false
    const load = async () => {
      try {
        const health = (await (await fetch('/api/health', { cache: 'no-store' })).json()) as { activeByKind?: Record<string, number> }
        if (!cancelled) setCount(health.activeByKind?.generation ?? 0)
      } catch {
        // the next tick retries
      }
    }
    void load()
    const timer = setInterval(load, 1_000)
    return () => {
      cancelled = true
      clearInterval(timer)
    }
  }, [])
  return (
    <p className="text-xs text-zinc-500">
      Generations running on the server: <span data-testid="generation-count">{count ?? '…'}</span>
    </p>
  )
}
