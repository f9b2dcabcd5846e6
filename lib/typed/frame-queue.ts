import { deferred, type Deferred } from '@/lib/async'

interface Item<T> {
  value: T
  taken: Deferred<void>
}

/**
 * A single-consumer async queue of frames with backpressure: `push()` returns a promise that
 * resolves when the consumer has taken that frame, so a producer that awaits it runs at the
 * consumer's pace and the queue never grows past what the producer chose not to wait for.
 */
export class FrameQueue<T> implements AsyncIterator<T, undefined> {
  #items: Item<T>[] = []
  #reader: Deferred<IteratorResult<T, undefined>> | undefined
  #ended = false
  #detached = false

  /** Adds a frame; resolves when the consumer takes it (at once if the consumer is gone). */
  push(value: T): Promise<void> {
    if (this.#detached || this.#ended) return Promise.resolve()
    const reader = this.#reader
    if (reader) {
      this.#reader = undefined
      reader.resolve({ value, done: false })
      return Promise.resolve()
    }
    const taken = deferred<void>()
    // Producers may drop the promise (a terminal frame nobody waits for): never an unhandled rejection.
    taken.promise.catch(() => {})
    this.#items.push({ value, taken })
    return taken.promise
  }

  /** No more frames: the consumer gets `done` once it has taken what is queued. */
  end(): void {
    this.#ended = true
    if (this.#items.length === 0) this.#finishReader()
  }

  /** Rejects the promises of frames not yet taken (the frames stay queued and are still delivered). */
  rejectWaiting(reason: unknown): void {
    for (const item of this.#items) item.taken.reject(reason)
  }

  /** The consumer is gone: drops queued frames, rejects their promises, and ends the iteration. */
  detach(reason: unknown): void {
    this.rejectWaiting(reason)
    this.#items = []
    this.#detached = true
    this.#finishReader()
  }

  next(): Promise<IteratorResult<T, undefined>> {
    const item = this.#items.shift()
    if (item) {
      item.taken.resolve()
      if (this.#ended && this.#items.length === 0) this.#finishReader()
      return Promise.resolve({ value: item.value, done: false })
    }
    if (this.#ended || this.#detached) return Promise.resolve({ value: undefined, done: true })
    this.#reader = deferred<IteratorResult<T, undefined>>()
    return this.#reader.promise
  }

  #finishReader(): void {
    const reader = this.#reader
    this.#reader = undefined
    reader?.resolve({ value: undefined, done: true })
  }
}
