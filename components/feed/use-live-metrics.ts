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
  /** How many times the server ended the connection at its lifetime (`event: reconnect`). */
  rollovers: number
  /** The server's lifetime of one connection, in ms, once a `reconnect` event told it. */
  lifetimeMs: number | undefined
}

const KEEP = 120

/**
 * Subscribes to `/api/feed` with `EventSource`, starting with the server's buffered history
 * (`?lastEventId=0`). The browser reconnects by itself after a drop and
 * sends `Last-Event-ID`; the server replays what was missed. The same happens when the server
 * ends the connection at its lifetime: its last event, `reconnect`, carries the last sample's id,
 * and the browser reconnects with it. Closed on unmount.
 */
export function useLiveMetrics(): LiveMetrics {
  const [state, setState] = useState<LiveMetrics>({
    connection: 'connecting',
    samples: [],
    latest: undefined,
    received: [],
    opens: 0,
    rollovers: 0,
    lifetimeMs: undefined,
  })

  useEffect(() => {
    const source = new EventSource('/api/feed?lastEventId=0')
    source.onopen = () => setState((s) => ({ ...s, connection: 'open', opens: s.opens + 1 }))
    source.onerror = () => setState((s) => ({ ...s, connection: source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting' }))
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
    source.addEventListener('reconnect', (event) => {
      const info = JSON.parse((event as MessageEvent<string>).data) as { lifetimeMs: number }
      setState((s) => ({ ...s, rollovers: s.rollovers + 1, lifetimeMs: info.lifetimeMs }))
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
