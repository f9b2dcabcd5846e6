import { monitorEventLoopDelay, type ELDHistogram } from 'node:perf_hooks'
import { activitySnapshot, openStream } from '@/lib/activity'
import { config } from '@/lib/config'
import { singleton } from '@/lib/singleton'

/** One sample of this server instance's live metrics. */
export interface FeedSample {
  id: number
  time: number
  eventLoopDelayMs: { p50: number; p99: number; max: number }
  memory: { rssBytes: number; heapUsedBytes: number }
  activeStreams: number
  activeByKind: Record<string, number>
  requestsServed: number
  feedClients: number
}

type Listener = (sample: FeedSample) => void

interface Feed {
  seq: number
  /** The last `SLUICE_FEED_REPLAY` samples, oldest first, for `Last-Event-ID` replay. */
  replay: FeedSample[]
  listeners: Set<Listener>
  /** Ends a live subscription (without `done`), so its client reconnects — the demo's "drop" button — by the visitor it serves. */
  droppers: Map<() => void, string | undefined>
  timer: NodeJS.Timeout | undefined
  histogram: ELDHistogram
}

const feed = () =>
  singleton<Feed>('feed', () => {
    const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
    histogram.enable()
    return { seq: 0, replay: [], listeners: new Set(), droppers: new Map(), timer: undefined, histogram }
  })

const RESOLUTION_MS = 10

/** The histogram records whole timer intervals; the delay is what exceeds the resolution. */
const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100)

function sample(f: Feed): void {
  const activity = activitySnapshot()
  const memory = process.memoryUsage()
  const s: FeedSample = {
    id: ++f.seq,
    time: Date.now(),
    eventLoopDelayMs: { p50: ms(f.histogram.percentile(50)), p99: ms(f.histogram.percentile(99)), max: ms(f.histogram.max) },
    memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
    activeStreams: activity.activeStreams,
    activeByKind: activity.activeByKind,
    requestsServed: activity.requestsServed,
    feedClients: f.droppers.size,
  }
  f.histogram.reset()
  f.replay.push(s)
  const max = config().SLUICE_FEED_REPLAY
  if (f.replay.length > max) f.replay.splice(0, f.replay.length - max)
  for (const listener of f.listeners) listener(s)
}

/** Starts sampling once per process; the timer does not keep the process alive. */
function ensureSampler(): Feed {
  const f = feed()
  if (!f.timer) {
    f.timer = setInterval(() => sample(f), config().SLUICE_FEED_INTERVAL_MS)
    f.timer.unref()
  }
  return f
}

/**
 * Ends the open feed subscriptions of `visitor` (every one without it), as a dropped network
 * would; returns how many it ended.
 */
export function dropFeedConnections(visitor?: string): number {
  const f = feed()
  const ends = [...f.droppers].filter(([, owner]) => visitor === undefined || owner === visitor).map(([end]) => end)
  for (const end of ends) end()
  return ends.length
}

/** The id of the latest sample (0 before the first), starting the sampler if needed. */
export function latestFeedId(): number {
  return ensureSampler().seq
}

/** Samples buffered before a subscriber falls too far behind and is disconnected (it then resumes). */
const MAX_PENDING = 1_000

/**
 * Live samples. With `afterId` (a reconnecting client's `Last-Event-ID`), every buffered sample
 * with a higher id is replayed first, in order and without duplicates; `0` replays the whole
 * buffer, and so does an id above the latest (the server restarted). Without it, live samples
 * only. Ends when `signal` aborts or the connection is dropped.
 */
export async function* subscribeFeed(afterId: number | undefined, signal: AbortSignal, visitor?: string): AsyncGenerator<FeedSample> {
  const f = ensureSampler()
  const close = openStream('feed')
  const pending: FeedSample[] = []
  let wake: (() => void) | undefined
  let ended = false
  const end = () => {
    ended = true
    wake?.()
  }
  const listener: Listener = (s) => {
    pending.push(s)
    if (pending.length > MAX_PENDING) end()
    wake?.()
  }
  f.listeners.add(listener)
  f.droppers.set(end, visitor)
  signal.addEventListener('abort', end, { once: true })
  try {
    const from = afterId === undefined ? f.seq : afterId <= f.seq ? afterId : 0
    let last = from
    for (const s of f.replay) {
      if (s.id > from) {
        last = s.id
        yield s
      }
    }
    while (!ended) {
      while (pending.length > 0 && !ended) {
        const s = pending.shift()!
        if (s.id <= last) continue
        last = s.id
        yield s
      }
      if (ended) break
      await new Promise<void>((resolve) => (wake = resolve))
      wake = undefined
    }
  } finally {
    f.listeners.delete(listener)
    f.droppers.delete(end)
    signal.removeEventListener('abort', end)
    close()
  }
}
