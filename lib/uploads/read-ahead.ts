/**
 * The upload body as the write loop sees it: any async iterable of bytes (a Web `ReadableStream`
 * from an App Router route handler, a Node `IncomingMessage`, a test's generator), read a bounded
 * distance ahead of the disk so that the network and the disk work at the same time.
 */

/** How far the body may be read ahead of the disk: a few chunks, never more than this many bytes. */
export const READ_AHEAD_BYTES = 4 * 1024 * 1024

/**
 * A Web stream as an async iterable whose `return()` cancels the stream at once, even while a
 * read is pending (the stream's own iterator waits for that read to settle first, which never
 * happens when the client has stalled).
 */
export function chunksOf(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      const reader = stream.getReader()
      return {
        next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
        async return(reason?: unknown) {
          await reader.cancel(reason).catch(() => {})
          return { done: true, value: undefined }
        },
      }
    },
  }
}

/**
 * Reads `source` into a queue of at most `limit` bytes (one chunk more if a single chunk is larger)
 * while the caller writes what was read before. `take()` gives everything queued so far, waiting
 * for at least one chunk; `[]` at the end of the body. A failing read rejects the next `take()`.
 * `stop()` ends the reading and releases the source (its `return()`), also mid-read.
 */
export class ReadAhead {
  private readonly iterator: AsyncIterator<Uint8Array>
  private queue: Uint8Array[] = []
  private queued = 0
  private ended = false
  private failure: { error: unknown } | undefined
  private stopped = false
  private wakeReader: (() => void) | undefined
  private wakeWriter: (() => void) | undefined
  private readonly reading: Promise<void>

  constructor(
    source: AsyncIterable<Uint8Array>,
    private readonly limit: number = READ_AHEAD_BYTES,
  ) {
    this.iterator = source[Symbol.asyncIterator]()
    this.reading = this.read()
  }

  private async read(): Promise<void> {
    try {
      while (!this.stopped) {
        if (this.queued >= this.limit) {
          await new Promise<void>((resolve) => (this.wakeReader = resolve))
          continue
        }
        const next = await this.iterator.next()
        if (this.stopped) return
        if (next.done) break
        if (next.value.byteLength === 0) continue
        this.queue.push(next.value)
        this.queued += next.value.byteLength
        this.wakeWriter?.()
      }
      this.ended = true
    } catch (error) {
      this.failure = { error }
    } finally {
      this.wakeWriter?.()
    }
  }

  /** Every chunk read so far (at least one), `[]` once the body has ended. */
  async take(): Promise<Uint8Array[]> {
    while (this.queue.length === 0) {
      if (this.failure) throw this.failure.error
      if (this.ended || this.stopped) return []
      await new Promise<void>((resolve) => (this.wakeWriter = resolve))
      this.wakeWriter = undefined
    }
    const chunks = this.queue
    this.queue = []
    this.queued = 0
    this.wakeReader?.()
    this.wakeReader = undefined
    return chunks
  }

  /** Stops reading and releases the source; does not wait for a read in progress. */
  stop(reason?: unknown): void {
    if (this.stopped) return
    this.stopped = true
    this.queue = []
    this.queued = 0
    this.wakeReader?.()
    this.wakeWriter?.()
    if (!this.ended && !this.failure) void Promise.resolve(this.iterator.return?.(reason)).catch(() => {})
    void this.reading.catch(() => {})
  }
}
