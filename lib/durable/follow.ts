import type { StreamMeta, StreamStore, WaitOutcome } from '@/lib/durable/store'
import { parkAtTail, type TailAppend } from '@/lib/durable/tail'

/** How long one wait for the next append lasts when the caller does not say (then `keepWaiting` is asked). */
export const FOLLOW_WAIT_MS = 10_000

export interface FollowOptions {
  /** Aborting it ends the follow at once (the read in progress is cancelled). */
  signal: AbortSignal
  /** How long the next wait for an append may last, in ms; asked before each wait. Default {@link FOLLOW_WAIT_MS}. */
  waitMs?: () => number
  /**
   * Asked when the stream is caught up but still open: first before waiting at all, then after
   * each wait that ended without a change (a change proves the writer alive). `false` ends the
   * follow — after one last look, since the writer may have appended or closed just before it
   * went away. Default: keep waiting until the stream is closed.
   */
  keepWaiting?: () => Promise<boolean>
  /**
   * Offered each append while the follow waits at the tail of an open stream, by the stream's one
   * shared follower on this instance (`tail.ts`) instead of a wait, a lookup and a read of its own:
   * return `true` once it is handled (it is then not yielded), `false` to have it yielded as usual.
   * Called synchronously, in the middle of other readers' appends: do only synchronous work. Not
   * used together with `keepWaiting`.
   */
  atTail?: (append: TailAppend) => boolean
}

/** What a follow yields: bytes as they are read, and a mark each time it has caught up with the tail. */
export type FollowItem =
  /** Bytes `[end - bytes.byteLength, end)` of the stream, read under `meta`. */
  | { kind: 'data'; bytes: Uint8Array; end: number; meta: StreamMeta }
  /** Everything up to `position` (the tail of `meta`) has been yielded; the follow ends after this one when `meta.closed`. */
  | { kind: 'caught-up'; position: number; meta: StreamMeta }

/**
 * Follows one stream from byte `from` until it is closed and read to the end: reads what is
 * there, then waits on the store's own wake-up (`waitForChange`: one append wakes every follower
 * at once, on this instance or, with Redis, from any instance; no polling), reads again, and so
 * on. Ends quietly when the stream is deleted or re-created (another incarnation), when `signal`
 * is aborted, or when `keepWaiting` says so. The one way Sluice follows a durable stream on the
 * server: the protocol's `live=sse` (`protocol-sse.ts`) and `streams.follow()` (the chat's
 * reloaded answer) are both built on it.
 */
export async function* followStream(
  store: StreamStore,
  first: StreamMeta,
  from: number,
  options: FollowOptions,
): AsyncGenerator<FollowItem> {
  const path = first.path
  let meta = first
  let position = from
  // A change proves the writer alive: `keepWaiting` is asked at the start and after a quiet wait.
  let provenAlive = false
  for (;;) {
    if (position < meta.tail) {
      for await (const bytes of store.read(meta, position, meta.tail, options.signal)) {
        position += bytes.byteLength
        yield { kind: 'data', bytes, end: position, meta }
      }
    }
    yield { kind: 'caught-up', position, meta }
    if (meta.closed && position === meta.tail) return
    if (options.signal.aborted) return
    if (!provenAlive && options.keepWaiting && !(await options.keepWaiting())) {
      // The writer may have appended or closed just before it went away: look once more.
      const last = await store.lookup(path)
      if (last.state !== 'live' || last.meta.incarnation !== first.incarnation) return
      if (last.meta.tail === position && last.meta.closed === meta.closed) return
      meta = last.meta
      continue
    }
    const timeoutMs = options.waitMs?.() ?? FOLLOW_WAIT_MS
    let outcome: WaitOutcome | 'unparked' | undefined
    if (options.atTail && !options.keepWaiting) {
      const atTail = options.atTail
      outcome = await parked(store, meta, position, options.signal, timeoutMs, (append) => {
        if (!atTail(append)) return false
        position = append.end
        meta = append.meta
        return true
      })
    }
    outcome ??= await store.waitForChange(path, position, { signal: options.signal, timeoutMs })
    if (outcome === 'aborted') return
    provenAlive = outcome !== 'timeout'
    const next = await store.lookup(path)
    if (next.state !== 'live' || next.meta.incarnation !== first.incarnation) return
    meta = next.meta
  }
}

/**
 * Waits parked at the stream's shared tail (`tail.ts`) until it is unparked, `timeoutMs` pass or
 * `signal` aborts; meanwhile `take` is offered each append. `undefined` when it cannot park there
 * (the caller then waits by itself).
 */
function parked(
  store: StreamStore,
  meta: StreamMeta,
  position: number,
  signal: AbortSignal,
  timeoutMs: number,
  take: (append: TailAppend) => boolean,
): Promise<WaitOutcome | 'unparked'> | undefined {
  if (signal.aborted) return Promise.resolve('aborted')
  let end!: (outcome: WaitOutcome | 'unparked') => void
  const ended = new Promise<WaitOutcome | 'unparked'>((resolve) => (end = resolve))
  const leave = parkAtTail(store, meta, position, {
    take,
    unparked: () => finish('unparked'),
  })
  if (!leave) return undefined
  const timer = setTimeout(() => finish('timeout'), timeoutMs)
  const onAbort = () => finish('aborted')
  signal.addEventListener('abort', onAbort, { once: true })
  function finish(outcome: WaitOutcome | 'unparked'): void {
    clearTimeout(timer)
    signal.removeEventListener('abort', onAbort)
    leave?.()
    end(outcome)
  }
  return ended
}
