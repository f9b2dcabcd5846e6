import type { StreamMeta, StreamStore } from '@/lib/durable/store'

/**
 * One follower per stream and instance for the readers waiting at its tail.
 *
 * Without it, every live reader of a stream waits on the store by itself, and each append wakes
 * them all to look the stream up, read the same bytes and pass them up their own chain of promises:
 * per reader and append, a dozen short-lived promises and generator steps that outlive a young
 * garbage collection while they wait, most of an open reader's memory (`BENCH_LIVE_ALLOC=1 npm run
 * bench:live`). A reader that has caught up with an open stream parks here instead: the tail waits
 * once, looks the stream up once and reads each append once, and hands the bytes to every parked
 * reader in a plain synchronous call; a reader that takes them writes its events at once
 * (`SseAside`), so an append costs a parked reader one write and no promise.
 *
 * A parked reader is unparked — and goes back to waiting and reading by itself (`followStream`),
 * which handles every case — when it cannot take an append now (its client is slow), when the
 * stream is closed, deleted or re-created, when more than {@link SHARED_READ_LIMIT} bytes arrive
 * at once (each reader then reads them with its own backpressure), or when reading fails.
 */

/** An append as handed to parked readers: bytes `[end - bytes.byteLength, end)`, read under `meta`. */
export interface TailAppend {
  bytes: Uint8Array
  end: number
  meta: StreamMeta
  /**
   * What the readers make of this append that does not depend on the reader (an SSE frame, for
   * readers of one encoding), made by the first one that needs it and reused by the rest: with
   * 2,000 readers parked, an append is framed once instead of 2,000 times.
   */
  readonly shared: Map<string, unknown>
}

/** A reader parked at a tail. */
export interface TailReader {
  /** Called for each append while parked; `false` if it did not take it (it is then unparked, and reads it itself). */
  take(append: TailAppend): boolean
  /** Called once when the tail unparks the reader (not after its own `leave`). */
  unparked(): void
}

/** The most bytes the tail reads for its readers at once; a larger burst unparks them. */
export const SHARED_READ_LIMIT = 1024 * 1024

/** How long one wait of the tail on the store lasts before it waits again (a wait ends early when its last reader leaves). */
const TAIL_WAIT_MS = 60_000

class StreamTail {
  readonly readers = new Set<TailReader>()
  private readonly stop = new AbortController()

  constructor(
    private readonly store: StreamStore,
    private readonly tails: Map<string, StreamTail>,
    private readonly key: string,
    private readonly path: string,
    private readonly incarnation: string,
    /** Everything before it has been handed to the parked readers; a reader parks only at this position. */
    public position: number,
  ) {}

  async run(): Promise<void> {
    try {
      while (this.readers.size > 0) {
        const outcome = await this.store.waitForChange(this.path, this.position, { signal: this.stop.signal, timeoutMs: TAIL_WAIT_MS })
        if (outcome === 'aborted' || this.readers.size === 0) return
        if (outcome === 'timeout') continue
        const found = await this.store.lookup(this.path)
        if (found.state !== 'live' || found.meta.incarnation !== this.incarnation) return
        const meta = found.meta
        // Closing is each reader's to announce; a large burst each reader's to read at its own pace.
        if (meta.closed || meta.tail - this.position > SHARED_READ_LIMIT) return
        if (meta.tail === this.position) continue
        const chunks: Uint8Array[] = []
        for await (const bytes of this.store.read(meta, this.position, meta.tail, this.stop.signal)) chunks.push(bytes)
        if (this.stop.signal.aborted) return
        const append: TailAppend = {
          bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
          end: meta.tail,
          meta,
          shared: new Map(),
        }
        this.position = meta.tail
        for (const reader of this.readers) {
          let took = false
          try {
            took = reader.take(append)
          } catch {
            // It meets the same failure by itself, in its own loop.
          }
          if (!took) this.unpark(reader)
        }
      }
    } catch {
      // A failed wait, lookup or read: every reader goes back to its own loop, and meets it there.
    } finally {
      this.close()
    }
  }

  leave(reader: TailReader): void {
    if (this.readers.delete(reader) && this.readers.size === 0) this.close()
  }

  private unpark(reader: TailReader): void {
    if (this.readers.delete(reader)) reader.unparked()
  }

  /** No reader may park here any more; those still parked are unparked. */
  private close(): void {
    if (this.tails.get(this.key) === this) this.tails.delete(this.key)
    this.stop.abort()
    for (const reader of this.readers) this.unpark(reader)
  }
}

/** The tails of each store on this instance, by stream path and incarnation. */
const tailsOf = new WeakMap<StreamStore, Map<string, StreamTail>>()

/**
 * Parks `reader` at the tail of the stream `meta` describes, if `position` is where that tail
 * stands: the stream's tail on this instance is created if it has none. Returns how to leave, or
 * `undefined` when the reader cannot park (the stream is closed, the reader is not at the tail, or
 * the tail has moved on): it then waits by itself.
 */
export function parkAtTail(store: StreamStore, meta: StreamMeta, position: number, reader: TailReader): (() => void) | undefined {
  if (meta.closed || position !== meta.tail) return undefined
  let tails = tailsOf.get(store)
  if (!tails) tailsOf.set(store, (tails = new Map()))
  const key = `${meta.incarnation}\n${meta.path}`
  let tail = tails.get(key)
  if (tail && tail.position !== position) return undefined
  const fresh = !tail
  if (!tail) tails.set(key, (tail = new StreamTail(store, tails, key, meta.path, meta.incarnation, position)))
  tail.readers.add(reader)
  if (fresh) void tail.run()
  const parked = tail
  return () => parked.leave(reader)
}

/** How many readers are parked at the tail of `meta`'s stream on this instance (the tests read it). */
export function parkedReaders(store: StreamStore, meta: StreamMeta): number {
  return tailsOf.get(store)?.get(`${meta.incarnation}\n${meta.path}`)?.readers.size ?? 0
}
