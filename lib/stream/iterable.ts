import { abortError } from '@/lib/async'

/** What an iterable stream may yield: text (UTF-8 encoded on the way out) or bytes. */
export type StreamChunk = string | Uint8Array

/**
 * A source, or a factory that receives an `AbortSignal` aborted when the stream is cancelled, and
 * the stream's {@link WriteAside} channel.
 */
export type IterableSource<T> =
  AsyncIterable<T> | Iterable<T> | ((signal: AbortSignal, aside: WriteAside) => AsyncIterable<T> | Iterable<T>)

/**
 * Writing to a stream's consumer beside the pull: a source that is waiting (its `next()` pending)
 * may write a chunk at once when {@link ready}, without settling that wait. For a reader parked at
 * a live tail, one synchronous write per event instead of a chain of promises
 * (`lib/durable/tail.ts`). Chunks written aside reach the consumer in the order written, and never
 * in the middle of a pulled chunk.
 */
export interface WriteAside {
  /** Whether {@link write} can take a chunk now (a consumer is attached and has room). */
  ready(): boolean
  /** Writes a chunk now; call only when {@link ready}. */
  write(chunk: StreamChunk): void
}

/** Where a pump's {@link WriteAside} chunks go: set by whoever reads the pump. */
export interface AsideSink {
  ready(): boolean
  write(bytes: Uint8Array): void
}

/** A stream read through its Web `ReadableStream` takes this many chunks written aside beyond its queue. */
const ASIDE_QUEUE = 8

export interface IterableStreamOptions {
  /**
   * How many chunks may wait in the stream's queue before the source is paused.
   * The source is pulled only when the queue is below this mark. Default 1.
   */
  highWaterMark?: number
  /** Cancels the source when aborted (e.g. `request.signal`). */
  signal?: AbortSignal
  /** Called once when the stream ends, however it ends. */
  onEnd?: (outcome: 'done' | 'cancelled' | 'error') => void
}

const encoder = new TextEncoder()

/**
 * One iterable source read one chunk at a time, with the lifecycle every streamed response needs:
 * the source starts on {@link open}, strings are UTF-8 encoded and empty chunks skipped, an error in
 * the source ends it as `'error'`, and {@link stop} (a cancel, a client gone, `options.signal`)
 * aborts the signal handed to a factory source and calls the iterator's `return()`, so its `finally`
 * blocks run; `onEnd` is called once, however it ends. Transport-neutral: {@link iterableToStream}
 * puts a Web `ReadableStream` in front of it (the App Router's way), and a Pages API route writes
 * its chunks to Node's response directly ({@link takePump}; `lib/http.ts`), without a Web stream
 * between them.
 */
export class IterablePump<T extends StreamChunk> implements WriteAside {
  private readonly cancel = new AbortController()
  private iterator: AsyncIterator<T> | Iterator<T> | undefined
  /** How the pump ended, once it has. */
  outcome: 'done' | 'cancelled' | 'error' | undefined
  /**
   * Who reads the pump: the Web stream in front of it (`'stream'`, from its first pull) or a caller
   * that took it ({@link takePump}, `'direct'`). Set once, by the reader; a pump has one reader.
   */
  reader: 'stream' | 'direct' | undefined
  /** Where chunks written aside go; until its reader sets it, none can be. */
  sink: AsideSink | undefined

  constructor(
    private readonly source: IterableSource<T>,
    private readonly options: Pick<IterableStreamOptions, 'signal' | 'onEnd'> & {
      /** Called when `options.signal` aborts, before the source is stopped. */
      onAbort?: (reason: unknown) => void
    } = {},
  ) {}

  /** Starts the source, and follows `options.signal` (already aborted: stops at once). */
  open(): void {
    const iterable = typeof this.source === 'function' ? this.source(this.cancel.signal, this) : this.source
    this.iterator =
      Symbol.asyncIterator in iterable
        ? (iterable as AsyncIterable<T>)[Symbol.asyncIterator]()
        : (iterable as Iterable<T>)[Symbol.iterator]()
    const signal = this.options.signal
    if (signal?.aborted) this.handleEvent()
    else signal?.addEventListener('abort', this, { once: true })
  }

  /** `options.signal` aborted (the pump is its own listener: no closure per stream). */
  handleEvent(): void {
    if (this.outcome) return
    this.options.onAbort?.(this.options.signal?.reason ?? abortError())
    void this.stop(this.options.signal?.reason)
  }

  /**
   * The next non-empty chunk as bytes, or `undefined` when the source is done or the pump stopped.
   * Rejects with the source's error (the pump has then ended as `'error'`).
   */
  async next(): Promise<Uint8Array | undefined> {
    const it = this.iterator
    if (!it) return undefined
    try {
      // Loop only past empty chunks: one real chunk per call keeps the source in step with the reader.
      for (;;) {
        const result = await it.next()
        if (this.outcome || this.iterator !== it) return undefined
        if (result.done) {
          this.iterator = undefined
          this.finish('done')
          return undefined
        }
        const value: StreamChunk = result.value
        const bytes = typeof value === 'string' ? encoder.encode(value) : value
        if (bytes.byteLength > 0) return bytes
      }
    } catch (error) {
      if (this.outcome || this.iterator !== it) return undefined
      this.iterator = undefined
      this.finish('error')
      throw error
    }
  }

  ready(): boolean {
    return this.outcome === undefined && this.sink !== undefined && this.sink.ready()
  }

  write(chunk: StreamChunk): void {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk
    if (bytes.byteLength > 0) this.sink!.write(bytes)
  }

  /** Stops the source: aborts its signal, runs its clean-up, ends the pump as `'cancelled'`. */
  async stop(reason?: unknown): Promise<void> {
    if (!this.cancel.signal.aborted) this.cancel.abort(reason ?? abortError('Stream cancelled'))
    const it = this.iterator
    this.iterator = undefined
    try {
      await it?.return?.()
    } catch {
      // The source failed while cleaning up; the stream is already cancelled.
    } finally {
      this.finish('cancelled')
    }
  }

  private finish(outcome: 'done' | 'cancelled' | 'error'): void {
    if (this.outcome) return
    this.outcome = outcome
    this.options.signal?.removeEventListener('abort', this)
    this.options.onEnd?.(outcome)
  }
}

/** The pump behind each stream made by {@link iterableToStream}, while nobody has read either. */
const pumps = new WeakMap<ReadableStream<Uint8Array>, IterablePump<StreamChunk>>()

/**
 * The pump behind `stream` if it came from {@link iterableToStream} and neither it nor its pump has
 * been read yet (a stream with a high-water mark above 0 has pulled already): the caller then reads
 * the pump instead of the stream, and owns it, stopping it when its consumer goes away. Otherwise
 * `undefined`, and the caller reads the stream.
 */
export function takePump(stream: ReadableStream<Uint8Array>): IterablePump<StreamChunk> | undefined {
  const pump = pumps.get(stream)
  if (!pump || pump.reader || stream.locked) return undefined
  pumps.delete(stream)
  pump.reader = 'direct'
  return pump
}

/**
 * Turns an async (or sync) iterable into a pull-based `ReadableStream<Uint8Array>`.
 *
 * - The source is read only when the consumer reads (no unbounded queue).
 * - Strings are UTF-8 encoded; empty chunks are skipped.
 * - An error in the source errors the stream.
 * - Cancellation (`reader.cancel()`, client disconnect, `options.signal`) aborts the signal handed to
 *   a factory source and calls the iterator's `return()`, so its `finally` blocks run.
 *
 * The lifecycle is {@link IterablePump}'s; a Pages API route may read the pump directly ({@link takePump}).
 */
export function iterableToStream<T extends StreamChunk>(
  source: IterableSource<T>,
  options: IterableStreamOptions = {},
): ReadableStream<Uint8Array> {
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined
  const pump = new IterablePump(source, {
    signal: options.signal,
    onEnd: options.onEnd,
    onAbort: (reason) => {
      try {
        controllerRef?.error(reason)
      } catch {
        // already closed
      }
    },
  })
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controllerRef = controller
        pump.open()
      },
      async pull(controller) {
        if (pump.reader === 'direct') return // taken before the stream's first pull: nobody reads the stream
        if (!pump.reader) {
          pump.reader = 'stream'
          pump.sink = {
            ready: () => (controller.desiredSize ?? -Infinity) > -ASIDE_QUEUE,
            write: (bytes) => controller.enqueue(bytes),
          }
        }
        const bytes = await pump.next()
        // A stopped pump gives `undefined` too; closing a cancelled or errored stream is refused.
        if (bytes) controller.enqueue(bytes)
        else if (pump.outcome === 'done') controller.close()
      },
      cancel(reason) {
        return pump.stop(reason)
      },
    },
    new CountQueuingStrategy({ highWaterMark: options.highWaterMark ?? 1 }),
  )
  pumps.set(stream, pump)
  return stream
}

/** Headers for a streamed text response: no caching or transforming, no proxy buffering, no sniffing. */
export const TEXT_STREAM_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  'X-Content-Type-Options': 'nosniff',
})

/** A streamed `Response` from an iterable source (see {@link iterableToStream}). */
export function iterableResponse<T extends StreamChunk>(
  source: IterableSource<T>,
  options: IterableStreamOptions & { contentType?: string; headers?: HeadersInit; status?: number } = {},
): Response {
  const headers = new Headers(TEXT_STREAM_HEADERS)
  headers.set('Content-Type', options.contentType ?? 'text/plain; charset=utf-8')
  new Headers(options.headers).forEach((value, key) => headers.set(key, value))
  return new Response(iterableToStream(source, options), { status: options.status ?? 200, headers })
}
