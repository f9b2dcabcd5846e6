import { readSse } from '@/lib/stream/client'
import type { AnyStreamDefinition, ChunkOf, FinalOf, InputOf } from '@/lib/typed/define'
import { FRAME_TYPES, isTerminal, type FrameType, type StreamFrame } from '@/lib/typed/frames'

/** The frames of definition `D`, typed from its schemas. */
export type FrameOf<D extends AnyStreamDefinition> = StreamFrame<ChunkOf<D>, FinalOf<D>>

/**
 * A stream that could not be opened or read: the server's error (`code`, `message`, and for
 * invalid input the zod issues in `details`) with its HTTP `status`, or a broken connection
 * (`unavailable:stream_interrupted`, no status).
 */
export class StreamRequestError extends Error {
  readonly code: string
  readonly status: number | undefined
  readonly details: unknown

  constructor(code: string, message: string, options: { status?: number; details?: unknown } = {}) {
    super(message)
    this.name = 'StreamRequestError'
    this.code = code
    this.status = options.status
    this.details = options.details
  }
}

export interface OpenStreamOptions {
  /** Aborting disconnects: the server sees the client leave and cancels the handler. */
  signal?: AbortSignal
  /** An upload for the handler (a `File`, `Blob`, stream…). The input then travels in the query string. */
  body?: BodyInit
  headers?: HeadersInit
  /** For tests and non-browser callers. */
  fetch?: typeof fetch
  /**
   * Told when the server ended the response at its lifetime (`event: reconnect`) and the client
   * resumed the same run from the next frame (with the event's id as `Last-Event-ID`).
   */
  onReconnect?: (lastEventId: string) => void
}

/** An open typed stream: iterate its frames; `cancel()` asks the server to stop it. */
export interface TypedStream<D extends AnyStreamDefinition> extends AsyncIterable<FrameOf<D>> {
  /**
   * Asks the server to cancel (`DELETE <endpoint>?stream=<id>`); the stream then ends with its
   * `cancel` frame, carrying the handler's partial result. Before the `start` frame has arrived
   * there is no id yet, so it disconnects instead (the iteration then throws an `AbortError`).
   */
  cancel(): Promise<void>
  /** The id from the `start` frame, once it has arrived. */
  readonly streamId: string | undefined
}

function toQuery(input: unknown): string {
  if (input === undefined || input === null) return ''
  if (typeof input !== 'object' || Array.isArray(input)) throw new TypeError('An input sent in the query string must be an object')
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue
    if (typeof value === 'object' && value !== null) throw new TypeError(`Input field "${key}" cannot be sent in a query string`)
    params.set(key, String(value))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

async function errorFrom(response: Response): Promise<StreamRequestError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; details?: unknown } }
    if (body.error?.code) {
      return new StreamRequestError(body.error.code, body.error.message ?? response.statusText, {
        status: response.status,
        details: body.error.details,
      })
    }
  } catch {
    // not our JSON error shape
  }
  return new StreamRequestError('unavailable:stream', `The stream answered ${response.status} ${response.statusText}`, {
    status: response.status,
  })
}

function isFrameType(event: string): event is FrameType {
  return (FRAME_TYPES as readonly string[]).includes(event)
}

/**
 * Opens a typed stream endpoint and returns its frames, typed by the definition (imported as a
 * type only, so no server code reaches the browser):
 *
 * ```ts
 * import type { importJob } from '@/lib/jobs'
 * for await (const frame of openStream<typeof importJob>('/api/jobs/import', input)) { … }
 * ```
 *
 * The input is sent as the JSON body, or in the query string when `options.body` is an upload.
 * A refusal before the stream starts (400 with the zod issues, 401, 403…) and a connection that
 * ends without a terminal frame throw a {@link StreamRequestError}; every outcome after `start`
 * is a frame. The iteration stops after the terminal frame. A response that reaches the server's
 * lifetime ends with `event: reconnect`; the client then resumes the same run with a request
 * carrying that event's id as `Last-Event-ID`, and the frames go on from the next id — the
 * iteration does not see the seam.
 */
export function openStream<D extends AnyStreamDefinition>(
  endpoint: string,
  input: InputOf<D>,
  options: OpenStreamOptions = {},
): TypedStream<D> {
  const doFetch = options.fetch ?? fetch
  const disconnect = new AbortController()
  const signal = options.signal ? AbortSignal.any([options.signal, disconnect.signal]) : disconnect.signal
  const headers = new Headers(options.headers)
  headers.set('Accept', 'text/event-stream')
  let url = endpoint
  let body: BodyInit
  if (options.body !== undefined) {
    url = endpoint + (endpoint.includes('?') ? '&' + toQuery(input).slice(1) : toQuery(input))
    body = options.body
  } else {
    headers.set('Content-Type', 'application/json')
    body = JSON.stringify(input ?? {})
  }
  // `duplex` is needed by fetch for stream bodies (Node, Chromium); harmless for the others.
  const init: RequestInit & { duplex: 'half' } = { method: 'POST', headers, body, signal, duplex: 'half' }
  const responsePromise = doFetch(url, init)
  // The iteration may never start (a component unmounts first): no unhandled rejection then.
  responsePromise.catch(() => {})
  let streamId: string | undefined

  const base = endpoint.split('?')[0] ?? endpoint

  /** The same run again, from the frame after `lastEventId` (no input: the server has it). */
  function resume(lastEventId: string): Promise<Response> {
    const resumeHeaders = new Headers(options.headers)
    resumeHeaders.set('Accept', 'text/event-stream')
    resumeHeaders.set('Last-Event-ID', lastEventId)
    return doFetch(base, { method: 'POST', headers: resumeHeaders, signal })
  }

  async function* frames(): AsyncGenerator<FrameOf<D>> {
    let response = await responsePromise
    for (;;) {
      if (!response.ok) throw await errorFrom(response)
      if (!/^text\/event-stream\b/i.test(response.headers.get('content-type') ?? '')) {
        await response.body?.cancel()
        throw new StreamRequestError('unavailable:stream', 'The endpoint did not answer with an event stream', { status: response.status })
      }
      let resumeFrom: string | undefined
      for await (const event of readSse(response, { signal })) {
        if (event.event === 'reconnect' && event.id) {
          resumeFrom = event.id
          continue // the server closes the response right after it
        }
        if (!isFrameType(event.event)) continue
        const frame = { type: event.event, id: event.id ?? '', data: JSON.parse(event.data) as unknown } as FrameOf<D>
        if (frame.type === 'start') streamId = frame.data.streamId
        yield frame
        if (isTerminal(frame)) return
      }
      signal.throwIfAborted()
      if (resumeFrom === undefined)
        throw new StreamRequestError('unavailable:stream_interrupted', 'The stream ended before its final frame')
      options.onReconnect?.(resumeFrom)
      response = await resume(resumeFrom)
    }
  }

  let iterator: AsyncGenerator<FrameOf<D>> | undefined

  return {
    // One response, one reader: every loop over the stream shares the same iteration.
    [Symbol.asyncIterator]: () => (iterator ??= frames()),
    get streamId() {
      return streamId
    },
    async cancel() {
      if (streamId === undefined) {
        disconnect.abort(new DOMException('The stream was cancelled before it started', 'AbortError'))
        return
      }
      const response = await doFetch(`${base}?stream=${encodeURIComponent(streamId)}`, { method: 'DELETE', headers: options.headers })
      // 404: it ended meanwhile, and its terminal frame is on its way. Anything else is a real failure.
      if (!response.ok && response.status !== 404) throw await errorFrom(response)
    },
  }
}

// The typed streams' browser-safe door: `openStream` above, and the definitions' and frames' types and helpers.
export type { AnyStreamDefinition, ChunkOf, FinalOf, InputOf } from './define'
export { FRAME_TYPES, isTerminal, TERMINAL_TYPES, type CancelReason, type FrameType, type StreamFrame } from './frames'
export { streamSchemas, type JsonSchema, type StreamSchemas } from './json-schema'
