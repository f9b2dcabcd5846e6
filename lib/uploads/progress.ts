import { deferred, sleep, type Deferred } from '@/lib/async'

/**
 * Where an upload stands.
 * - `created`: announced (POST), no byte received yet.
 * - `receiving`: a request body is being written to disk.
 * - `paused`: a request ended normally before the declared size; continue with `Upload-Offset`.
 * - `failed`: the last request broke off or was refused. `resumable` says whether the bytes on
 *   disk were kept (continue from `offset`) or removed (start again).
 * - `complete`: stored under its name; `sha256` is set.
 * - `cancelled`: stopped on request; nothing is kept.
 */
export type UploadState = 'created' | 'receiving' | 'paused' | 'failed' | 'complete' | 'cancelled'

/** A snapshot of one upload, as the progress channels send it. */
export interface UploadProgress {
  id: string
  name: string
  /** The total size the client declared, or `null` when it did not (chunked body, no `Upload-Length`). */
  size: number | null
  /** Bytes written to disk, in order from the start of the file: the offset a resume continues from. */
  offset: number
  state: UploadState
  /** The offset the latest request started at (greater than 0 when it resumed an earlier one). */
  attemptOffset: number
  /** How many requests have sent bytes for this upload. */
  attempts: number
  createdAt: number
  updatedAt: number
  sha256?: string
  error?: { code: string; message: string }
  /** Set when `state` is `failed`: whether the upload can continue from `offset`. */
  resumable?: boolean
}

/** True when nothing more will happen to the upload. */
export function isFinal(progress: UploadProgress): boolean {
  return progress.state === 'complete' || progress.state === 'cancelled' || (progress.state === 'failed' && progress.resumable !== true)
}

export interface WatchOptions {
  signal?: AbortSignal
  /** Least time between two yielded snapshots (later changes are coalesced); the final one is never delayed. */
  minIntervalMs?: number
  /**
   * The version of the last snapshot the reader already has (a reconnecting client's
   * `Last-Event-ID`): start with the next change instead of the current snapshot. A version the
   * cell does not have (another process, a restart) yields the current snapshot.
   */
  after?: number
}

/**
 * The current progress of one upload plus a way to follow it. Readers never slow the writer: a
 * reader that falls behind skips to the newest snapshot instead of queueing old ones.
 */
export class ProgressCell {
  #value: UploadProgress
  #version = 0
  #changed: Deferred<void> = deferred()
  #final: Deferred<void> = deferred()

  constructor(initial: UploadProgress) {
    this.#value = initial
  }

  get value(): UploadProgress {
    return this.#value
  }

  /** Replaces the snapshot (fields not given are kept) and wakes every reader. */
  update(patch: Partial<Omit<UploadProgress, 'id' | 'name' | 'createdAt'>>): UploadProgress {
    this.#value = { ...this.#value, ...patch, updatedAt: Date.now() }
    this.#version++
    const changed = this.#changed
    this.#changed = deferred()
    changed.resolve()
    if (isFinal(this.#value)) this.#final.resolve()
    return this.#value
  }

  /**
   * Yields the current snapshot, then each newer one, and ends after a final one (see
   * {@link isFinal}) or when `signal` aborts.
   */
  async *watch(options: WatchOptions = {}): AsyncGenerator<UploadProgress> {
    for await (const { progress } of this.watchVersions(options)) yield progress
  }

  /** {@link watch} with each snapshot's version (increasing by one per update; 0 for the first). */
  async *watchVersions(options: WatchOptions = {}): AsyncGenerator<{ version: number; progress: UploadProgress }> {
    const { signal, minIntervalMs = 0 } = options
    let seen = options.after !== undefined && options.after <= this.#version ? options.after : -1
    while (!signal?.aborted) {
      if (seen !== this.#version) {
        seen = this.#version
        const snapshot = this.#value
        yield { version: seen, progress: snapshot }
        if (isFinal(snapshot)) return
        if (minIntervalMs > 0) await this.#pause(minIntervalMs, signal)
        continue
      }
      await this.#wait(this.#changed.promise, signal)
    }
  }

  /** Waits `ms`, cut short if the upload reaches a final state or `signal` aborts. */
  async #pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
    const stop = new AbortController()
    // The sleep rejects when `stop` aborts it below: that only means the wait is over.
    const timer = sleep(ms, stop.signal).catch(() => {})
    try {
      await this.#wait(Promise.race([timer, this.#final.promise]), signal)
    } finally {
      stop.abort()
    }
  }

  #wait(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
    if (!signal) return promise
    return new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done)
        resolve()
      }
      signal.addEventListener('abort', done, { once: true })
      promise.then(done, done)
    })
  }
}
