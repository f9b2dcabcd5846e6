'use client'

import { useEffect, useState } from 'react'
import type { FeedSample } from '@/lib/feed'

export type FeedConnection = 'connecting' | 'open' | 'reconnecting' | 'closed'

export interface LiveMetrics {
  connection: FeedConnection
  /** The most recent samples, oldest first. */
  samples: FeedSample[]
  latest: FeedSample | undefined
  /** Every id received, in order of arrival (for the gap/duplicate check). */
  received: number[]
  opens: number
}

const KEEP = 120

/**
 * Subscribes to `/api/feed` with `EventSource`, starting with the server's buffered history
 * (`?lastEventId=0`). The browser reconnects by itself after a drop and
 * sends `Last-Event-ID`; the server replays what was missed. Closed on unmount.
 */
export function useLiveMetrics(): LiveMetrics {
  const [state, setState] = useState<LiveMetrics>({ connection: 'connecting', samples: [], latest: undefined, received: [], opens: 0 })

  useEffect(() => {
    const source = new EventSource('/api/feed?lastEventId=0')
    source.onopen = () => setState((s) => ({ ...s, connection: 'open', opens: s.opens + 1 }))
    source.onerror = () =>
      setState((s) => ({ ...s, connection: source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting' }))
    source.addEventListener('metrics', (event) => {
      const sample = JSON.parse((event as MessageEvent<string>).data) as FeedSample
      setState((s) => ({
        ...s,
        connection: 'open',
        latest: sample,
        samples: [...s.samples.slice(-(KEEP - 1)), sample],
        received: [...s.received, sample.id],
      }))
    })
    return () => source.close()
  }, [])

  return state
}

/** Ids that were skipped or received twice, given ids in order of arrival. */
export function checkContinuity(ids: readonly number[]): { gaps: number; duplicates: number } {
  let gaps = 0
  let duplicates = 0
  for (let i = 1; i < ids.length; i++) {
    const step = ids[i]! - ids[i - 1]!
    if (step <= 0) duplicates++
    else if (step > 1) gaps += step - 1
  }
  return { gaps, duplicates }
}
