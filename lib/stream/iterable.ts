import { abortError } from '@/lib/async'

/** What an iterable stream may yield: text (UTF-8 encoded on the way out) or bytes. */
export type StreamChunk = string | Uint8Array

/** A source, or a factory that receives an `AbortSignal` aborted when the stream is cancelled. */
export type IterableSource<T> = AsyncIterable<T> | Iterable<T> | ((signal: AbortSignal) => AsyncIterable<T> | Iterable<T>)

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
 * Turns an async (or sync) iterable into a pull-based `ReadableStream<Uint8Array>`.
 *
 * - The source is read only when the consumer reads (no unbounded queue).
 * - Strings are UTF-8 encoded; empty chunks are skipped.
 * - An error in the source errors the stream.
 * - Cancellation (`reader.cancel()`, client disconnect, `options.signal`) aborts the signal handed to
 *   a factory source and calls the iterator's `return()`, so its `finally` blocks run.
 */
export function iterableToStream<T extends StreamChunk>(
  source: IterableSource<T>,
  options: IterableStreamOptions = {},
): ReadableStream<Uint8Array> {
  const cancel = new AbortController()
  let iterator: AsyncIterator<T> | Iterator<T> | undefined
  let ended = false

  const finish = (outcome: 'done' | 'cancelled' | 'error') => {
    if (ended) return
    ended = true
    options.signal?.removeEventListener('abort', onExternalAbort)
    options.onEnd?.(outcome)
  }

  const stop = async (reason: unknown) => {
    if (!cancel.signal.aborted) cancel.abort(reason ?? abortError('Stream cancelled'))
    const it = iterator
    iterator = undefined
    try {
      await it?.return?.()
    } catch {
      // The source failed while cleaning up; the stream is already cancelled.
    } finally {
      finish('cancelled')
    }
  }

  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined
  const onExternalAbort = () => {
    if (ended) return
    try {
      controllerRef?.error(options.signal?.reason ?? abortError())
    } catch {
      // already closed
    }
    void stop(options.signal?.reason)
  }

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controllerRef = controller
        const iterable = typeof source === 'function' ? source(cancel.signal) : source
        iterator =
          Symbol.asyncIterator in iterable
            ? (iterable as AsyncIterable<T>)[Symbol.asyncIterator]()
            : (iterable as Iterable<T>)[Symbol.iterator]()
        if (options.signal?.aborted) onExternalAbort()
        else options.signal?.addEventListener('abort', onExternalAbort, { once: true })
      },
      async pull(controller) {
        const it = iterator
        if (!it) return
        try {
          // Loop only past empty chunks: one real chunk per pull keeps the source in step with the reader.
          for (;;) {
            const result = await it.next()
            if (ended || iterator !== it) return
            if (result.done) {
              iterator = undefined
              controller.close()
              finish('done')
              return
            }
            const value: StreamChunk = result.value
            const bytes = typeof value === 'string' ? encoder.encode(value) : value
            if (bytes.byteLength === 0) continue
            controller.enqueue(bytes)
            return
          }
        } catch (error) {
          if (ended || iterator !== it) return
          iterator = undefined
          controller.error(error)
          finish('error')
        }
      },
      cancel(reason) {
        return stop(reason)
      },
    },
    new CountQueuingStrategy({ highWaterMark: options.highWaterMark ?? 1 }),
  )
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
