import { config } from '@/lib/config'
import { toAppError } from '@/lib/errors'
import { iterableToStream, type WriteAside } from '@/lib/stream/iterable'
import { lifetimeDeadline } from '@/lib/stream/lifetime'
import { QuietWatch } from '@/lib/stream/quiet-watch'

/** One Server-Sent Event. `data` that is not a string is sent as JSON. */
export interface SseMessage {
  event?: string
  id?: string | number
  retry?: number
  data?: unknown
  /** A comment line (`: ...`), ignored by clients; used for heartbeats and padding. */
  comment?: string
}

const lineBreak = /\r\n|\r|\n/
const encoder = new TextEncoder()

function assertNoLineBreak(field: string, value: string): void {
  if (lineBreak.test(value)) throw new TypeError(`SSE ${field} must not contain a line break`)
}

export interface SseFormatOptions {
  /**
   * Write `data:` lines without the optional space after the colon. Both forms mean the same to
   * clients; some protocols (Durable Streams) write the compact one.
   */
  compact?: boolean
}

/**
 * Formats one message in the `text/event-stream` wire format. Multi-line data becomes several
 * `data:` lines (the client joins them with `\n`); ids and event names may not contain line breaks
 * or NUL (the spec ignores such ids).
 */
export function formatSse(message: SseMessage, options: SseFormatOptions = {}): string {
  const dataPrefix = options.compact ? 'data:' : 'data: '
  let out = ''
  if (message.comment !== undefined) {
    for (const line of message.comment.split(lineBreak)) out += `: ${line}\n`
  }
  if (message.event !== undefined) {
    assertNoLineBreak('event', message.event)
    out += `event: ${message.event}\n`
  }
  if (message.id !== undefined) {
    const id = String(message.id)
    assertNoLineBreak('id', id)
    if (id.includes('\0')) throw new TypeError('SSE id must not contain NUL')
    out += `id: ${id}\n`
  }
  if (message.retry !== undefined) {
    if (!Number.isInteger(message.retry) || message.retry < 0) throw new TypeError('SSE retry must be a non-negative integer')
    out += `retry: ${message.retry}\n`
  }
  if (message.data !== undefined) {
    const text = typeof message.data === 'string' ? message.data : JSON.stringify(message.data)
    // One line (the usual case: JSON, a token) needs no split.
    if (text.indexOf('\n') === -1 && text.indexOf('\r') === -1) out += `${dataPrefix}${text}\n`
    else for (const line of text.split(lineBreak)) out += `${dataPrefix}${line}\n`
  }
  return out === '' ? '' : `${out}\n`
}

/** Headers every SSE response carries: no caching, no transforming (compression), no proxy buffering. */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
})

export interface SseStreamOptions extends SseFormatOptions {
  /** Heartbeat comment interval while the stream is quiet, in ms. Default `SLUICE_HEARTBEAT_MS` (15 s). 0 disables. */
  heartbeatMs?: number
  /** Reconnection delay sent to the client as `retry:` at the start. */
  retry?: number
  /**
   * Final event written when the source ends normally, before the deliberate close, so that
   * `EventSource` clients close instead of reconnecting and re-running the work.
   * Default `{ event: 'done', data: {} }`; `false` to omit (for streams a client should resume).
   */
  done?: SseMessage | false
  /** Cancels the stream when aborted (pass `request.signal`). */
  signal?: AbortSignal
  /** Called once when the stream ends, however it ends. */
  onEnd?: (outcome: 'done' | 'cancelled' | 'error') => void
  /**
   * End the response at its lifetime (`SLUICE_STREAM_LIFETIME_MS`, `lib/stream/lifetime.ts`),
   * between two events: the source is no longer read (a message it was still producing is not
   * sent), `end()` is written — the "reconnect from here" event, built from what the source has
   * yielded so far — and the stream closes. Unset: the response lasts as long as its source.
   */
  lifetime?: { end: () => SseMessage; capMs?: number }
}

/**
 * What an SSE source yields: one message, or several written together as one chunk (a protocol
 * that always sends two events back to back, such as a durable stream's `data` and `control`,
 * pays for one write instead of two).
 */
export type SseSource =
  AsyncIterable<SseYield> | Iterable<SseYield> | ((signal: AbortSignal, aside: SseAside) => AsyncIterable<SseYield> | Iterable<SseYield>)

/** One step of an {@link SseSource}. */
export type SseYield = SseMessage | readonly SseMessage[]

/**
 * Sending events beside the pull (`WriteAside` in `iterable.ts`): a source waiting for its next
 * event may send events at once while {@link ready}, without settling its wait; they count as
 * activity for the heartbeat. Used by durable readers parked at a stream's tail
 * (`lib/durable/tail.ts`), for whom an append is then one synchronous write instead of a chain of
 * promises through every layer. A source that sends aside keeps its own lifetime: `lifetime` only
 * ends the stream between pulled events.
 */
export interface SseAside {
  ready(): boolean
  /** Sends `events` now, or bytes {@link frame} made; call only when {@link ready}. */
  send(events: SseYield | Uint8Array): void
  /** `events` as this stream writes them: to frame once what several streams of the same options send. */
  frame(events: SseYield): Uint8Array
}

/**
 * A `ReadableStream` of SSE bytes from a source of messages, with heartbeats when quiet,
 * a final `done` event, and an `error` event (the app's error shape) if the source throws.
 * Pull-based like {@link iterableToStream}, with nothing read ahead (high-water mark 0): cancelling
 * it cancels the source, and a Pages API route writes it to the socket without the Web stream
 * (`takePump`).
 */
export function sseStream(source: SseSource, options: SseStreamOptions = {}): ReadableStream<Uint8Array> {
  const heartbeatMs = options.heartbeatMs ?? config().SLUICE_HEARTBEAT_MS
  const done = options.done === undefined ? { event: 'done', data: {} } : options.done
  const lifetime = options.lifetime

  const format = (value: SseYield) =>
    isBatch(value) ? value.map((message) => formatSse(message, options)).join('') : formatSse(value, options)

  async function* frames(signal: AbortSignal, writeAside: WriteAside): AsyncGenerator<string> {
    const deadline = lifetime ? lifetimeDeadline(lifetime.capMs) : undefined
    // Heartbeat and lifetime on the process's shared timers (`quiet-watch.ts`), not one per stream.
    const watch = new QuietWatch({ heartbeatMs, deadlineMs: deadline?.remaining() }, signal)
    const aside: SseAside = {
      ready: () => writeAside.ready(),
      send(events) {
        writeAside.write(events instanceof Uint8Array ? events : format(events))
        watch.sentAside()
      },
      frame: (events) => encoder.encode(format(events)),
    }
    const inner = typeof source === 'function' ? source(signal, aside) : source
    const iterator =
      Symbol.asyncIterator in inner
        ? (inner as AsyncIterable<SseYield>)[Symbol.asyncIterator]()
        : (inner as Iterable<SseYield>)[Symbol.iterator]()
    let pending: Promise<IteratorResult<SseYield>> | undefined
    try {
      if (options.retry !== undefined) yield formatSse({ retry: options.retry })
      // Flush headers at once so clients see the connection open before the first event.
      yield formatSse({ comment: 'open' })
      for (;;) {
        if (deadline?.passed()) {
          yield formatSse(lifetime!.end(), options)
          return
        }
        pending ??= Promise.resolve(iterator.next())
        const result = watch.active ? await Promise.race([pending, watch.next()]) : await pending
        if (result === 'aborted') throw signal.reason
        if (result === 'quiet' || result === 'deadline') {
          if (result === 'quiet' && !deadline?.passed()) yield HEARTBEAT
          watch.activity()
          continue
        }
        pending = undefined
        if (result.done) break
        const text = format(result.value)
        if (text) {
          yield text
          watch.activity()
        }
      }
      if (done) yield formatSse(done)
    } catch (error) {
      if (signal.aborted) throw error
      const appError = toAppError(error)
      yield formatSse({ event: 'error', data: appError.toJSON() })
    } finally {
      watch.dispose()
      // Closing an async generator that is mid-`next()` waits for that step; do not await it then.
      const closing = iterator.return?.()
      if (!pending) await closing
      else void Promise.resolve(closing).catch(() => {})
    }
  }

  return iterableToStream(frames, { signal: options.signal, onEnd: options.onEnd, highWaterMark: 0 })
}

function isBatch(value: SseYield): value is readonly SseMessage[] {
  return Array.isArray(value)
}

/** An SSE `Response` with the right headers. */
export function sseResponse(source: SseSource, options: SseStreamOptions & { headers?: HeadersInit; status?: number } = {}): Response {
  const headers = new Headers(SSE_HEADERS)
  new Headers(options.headers).forEach((value, key) => headers.set(key, value))
  return new Response(sseStream(source, options), { status: options.status ?? 200, headers })
}

const HEARTBEAT = formatSse({ comment: 'heartbeat' })
const HEARTBEAT_BYTES = new TextEncoder().encode(HEARTBEAT)
const LF = 0x0a

/**
 * Adds heartbeat comments to an SSE byte stream produced elsewhere (the AI SDK's UI message
 * stream, or one replayed from a durable stream) whenever it is quiet for `heartbeatMs`, so
 * proxies and platforms do not close the connection during a long tool call. A comment is only
 * inserted between events (after a blank line), never inside one that is still arriving.
 * With `lifetime`, the stream ends at its lifetime (`lib/stream/lifetime.ts`) at the first event
 * boundary, with the bytes of `lifetime.end()` as its last event.
 * Pull-based; cancelling the result cancels `source`.
 */
export function withHeartbeats(
  source: ReadableStream<Uint8Array>,
  options: { heartbeatMs?: number; signal?: AbortSignal; lifetime?: { end: () => string; capMs?: number } } = {},
): ReadableStream<Uint8Array> {
  const heartbeatMs = options.heartbeatMs ?? config().SLUICE_HEARTBEAT_MS
  const lifetime = options.lifetime
  if (heartbeatMs <= 0 && !lifetime) return source
  async function* frames(signal: AbortSignal): AsyncGenerator<Uint8Array | string> {
    const deadline = lifetime ? lifetimeDeadline(lifetime.capMs) : undefined
    const watch = new QuietWatch({ heartbeatMs, deadlineMs: deadline?.remaining() }, signal)
    const reader = source.getReader()
    let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined
    // The last two bytes sent: an event ends with an empty line ("\n\n").
    let last = [LF, LF]
    const atBoundary = () => last[0] === LF && last[1] === LF
    try {
      for (;;) {
        if (deadline?.passed() && atBoundary()) {
          yield lifetime!.end()
          return
        }
        pending ??= reader.read()
        // Past the deadline mid-event, the rest of the event is awaited (heartbeats are not sent then).
        const result = watch.active ? await Promise.race([pending, watch.next()]) : await pending
        if (result === 'aborted') throw signal.reason
        if (result === 'quiet' || result === 'deadline') {
          if (result === 'quiet' && atBoundary() && !deadline?.passed()) yield HEARTBEAT_BYTES
          watch.activity()
          continue
        }
        pending = undefined
        if (result.done) return
        const chunk = result.value
        if (chunk.byteLength === 0) continue
        last = chunk.byteLength >= 2 ? [chunk[chunk.byteLength - 2]!, chunk[chunk.byteLength - 1]!] : [last[1]!, chunk[0]!]
        yield chunk
        watch.activity()
      }
    } finally {
      watch.dispose()
      reader.cancel().catch(() => {})
    }
  }
  return iterableToStream(frames, { signal: options.signal })
}
