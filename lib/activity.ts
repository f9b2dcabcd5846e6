import { singleton } from '@/lib/singleton'

/** Counters the live feed reports: requests served and streams open, per kind of stream. */
interface Activity {
  startedAt: number
  requestsServed: number
  streamsOpened: number
  active: Map<string, number>
}

const activity = () =>
  singleton<Activity>('activity', () => ({ startedAt: Date.now(), requestsServed: 0, streamsOpened: 0, active: new Map() }))

export function countRequest(): void {
  activity().requestsServed++
}

/**
 * Marks one stream of `kind` as open and returns the function that marks it closed.
 * The returned function is idempotent, so it can sit in every exit path.
 */
export function openStream(kind: string): () => void {
  const a = activity()
  a.streamsOpened++
  a.active.set(kind, (a.active.get(kind) ?? 0) + 1)
  let closed = false
  return () => {
    if (closed) return
    closed = true
    const left = (a.active.get(kind) ?? 1) - 1
    if (left <= 0) a.active.delete(kind)
    else a.active.set(kind, left)
  }
}

export interface ActivitySnapshot {
  startedAt: number
  requestsServed: number
  streamsOpened: number
  activeStreams: number
  activeByKind: Record<string, number>
}

export function activitySnapshot(): ActivitySnapshot {
  const a = activity()
  let total = 0
  for (const n of a.active.values()) total += n
  return {
    startedAt: a.startedAt,
    requestsServed: a.requestsServed,
    streamsOpened: a.streamsOpened,
    activeStreams: total,
    activeByKind: Object.fromEntries(a.active),
  }
}
