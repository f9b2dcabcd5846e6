import { EventSourceParserStream } from 'eventsource-parser/stream'
import { splitLines } from '@/lib/stream/lines'

/** One event read from an SSE response. `data` is the raw text (join of `data:` lines); `id` is the last event id. */
export interface SseEvent {
  event: string
  id: string | undefined
  data: string
}

type BodySource = Response | ReadableStream<Uint8Array>

function bodyOf(source: BodySource): ReadableStream<Uint8Array> {
  if (source instanceof ReadableStream) return source
  if (!source.body) throw new TypeError('The response has no body to read')
  return source.body
}

/** A UTF-8 decoder as a typed transform (TS's DOM types give TextDecoderStream a wider input). */
function utf8Decoder(): TransformStream<Uint8Array, string> {
  return new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>
}

async function* iterate<T>(stream: ReadableStream<T>, signal?: AbortSignal): AsyncGenerator<T> {
  const reader = stream.getReader()
  const onAbort = () => void reader.cancel(signal?.reason).catch(() => {})
  if (signal?.aborted) onAbort()
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
    // Leaving the loop early (break, throw, abort) cancels the body so the server notices.
    await reader.cancel().catch(() => {})
    reader.releaseLock()
  }
}

/**
 * Reads a fetch response (or any byte stream) as text chunks, decoded as UTF-8 across chunk
 * boundaries. Breaking out of the loop, or aborting `signal`, cancels the body.
 */
export function readText(source: BodySource, options: { signal?: AbortSignal } = {}): AsyncGenerator<string> {
  return iterate(bodyOf(source).pipeThrough(utf8Decoder()), options.signal)
}

/** Reads a fetch response as lines of text (LF, CRLF or CR), e.g. NDJSON records. */
export async function* readLines(source: BodySource, options: { signal?: AbortSignal } = {}): AsyncGenerator<string> {
  for await (const batch of iterate(bodyOf(source).pipeThrough(utf8Decoder()).pipeThrough(splitLines()), options.signal)) {
    yield* batch
  }
}

/**
 * Reads a fetch response as Server-Sent Events, for what `EventSource` cannot do (POST bodies,
 * custom headers). Parsing is `eventsource-parser`'s; events with no `event:` field are `message`.
 */
export async function* readSse(
  source: BodySource,
  options: { signal?: AbortSignal; onRetry?: (ms: number) => void; onComment?: (text: string) => void } = {},
): AsyncGenerator<SseEvent> {
  const events = bodyOf(source)
    .pipeThrough(utf8Decoder())
    .pipeThrough(new EventSourceParserStream({ onRetry: options.onRetry, onComment: options.onComment }))
  // Like EventSource's lastEventId, an event without an id: field carries the last id seen.
  let lastId: string | undefined
  for await (const message of iterate(events, options.signal)) {
    if (message.id !== undefined) lastId = message.id
    yield { event: message.event ?? 'message', id: lastId, data: message.data }
  }
}
