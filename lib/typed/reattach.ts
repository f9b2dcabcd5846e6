import { AppError } from '@/lib/errors'
import { singleton } from '@/lib/singleton'
import { reconnectEvent, type SseMessage, type SseStreamOptions } from '@/lib/stream'
import type { StreamFrame } from '@/lib/typed/frames'
import type { StreamRun } from '@/lib/typed/run'

/**
 * A typed stream that outlives its response.
 *
 * A run's frames go to one response at a time. When that response reaches its lifetime
 * (`SLUICE_STREAM_LIFETIME_MS`, `lib/stream/lifetime.ts`) it ends with `event: reconnect`, whose
 * `id` is `<streamId>:<id of the last frame sent>`, and the run is *parked*: it is not cancelled,
 * and the frame queue's backpressure pauses its handler at its next `write()` — nothing is lost,
 * nothing piles up. A request to the same endpoint with that value as `Last-Event-ID` (the typed
 * client sends it; a plain `EventSource` on a GET endpoint does so by itself) takes the run back
 * and gets the following frames, from the next id on. A run nobody takes back within
 * {@link REATTACH_MS} is cancelled as a disconnect.
 *
 * Parked runs live in this process: the reattach must reach the instance that runs the handler.
 */

type Frame = StreamFrame<unknown, unknown>

/** How long a parked run waits for its client before it is cancelled (`disconnected`). */
export const REATTACH_MS = 30_000

/** Where a run's consumer stands between responses. */
interface Cursor {
  run: StreamRun<unknown, unknown>
  /** A frame asked for by a response that ended before sending it: the next response sends it first. */
  held: Promise<IteratorResult<Frame, undefined>> | undefined
  /** The id of the last frame sent to the client. */
  lastId: string | undefined
  /** Cancels the run if nobody reattaches in time. */
  timer?: ReturnType<typeof setTimeout>
}

const parked = () => singleton('typed-stream-parked', () => new Map<string, Cursor>())

/** `Last-Event-ID: <streamId>:<frame id>` — what the `reconnect` event of a parked run carries. */
const RESUME_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):(\d+)$/i

/** The run and frame a request's `Last-Event-ID` asks to resume from, if it names one. */
export function resumePoint(request: Request): { streamId: string; lastId: string } | undefined {
  const match = RESUME_ID.exec(request.headers.get('last-event-id') ?? '')
  return match ? { streamId: match[1]!.toLowerCase(), lastId: match[2]! } : undefined
}

/** One frame as an SSE event: the frame type is the event name, the payload is always JSON. */
function toSse(frame: Frame): SseMessage {
  return { event: frame.type, id: frame.id, data: JSON.stringify(frame.data ?? null) }
}

/**
 * The source and lifetime options of one response of `cursor`'s run. Cancelled by its client
 * (gone), the run is cancelled (`disconnected`); ended by its lifetime, the run is parked.
 */
function responseOf(cursor: Cursor): {
  source: (signal: AbortSignal) => AsyncIterable<SseMessage>
  lifetime: SseStreamOptions['lifetime']
} {
  let ended = false
  const source = (signal: AbortSignal): AsyncIterable<SseMessage> => {
    signal.addEventListener('abort', () => cursor.run.cancel('disconnected'), { once: true })
    return (async function* () {
      for (;;) {
        cursor.held ??= cursor.run.frames.next()
        const result = await cursor.held
        if (ended) return // the frame stays held for the next response
        cursor.held = undefined
        if (result.done) return
        cursor.lastId = result.value.id
        yield toSse(result.value)
      }
    })()
  }
  const lifetime = {
    end: () => {
      ended = true
      park(cursor)
      return reconnectEvent(`${cursor.run.id}:${cursor.lastId ?? ''}`, { streamId: cursor.run.id })
    },
  }
  return { source, lifetime }
}

function park(cursor: Cursor): void {
  const id = cursor.run.id
  parked().set(id, cursor)
  cursor.timer = setTimeout(() => {
    if (parked().get(id) !== cursor) return
    parked().delete(id)
    cursor.run.cancel('disconnected')
  }, REATTACH_MS)
  cursor.timer.unref?.()
  // A run that ends while parked (a cancel reached it) is still taken back for its terminal frame.
}

/**
 * The first response of a new run. `withLifetime: false` for a request whose body the handler
 * is still reading (an upload): that body ends with its response, so the run cannot outlive it.
 */
export function firstResponseOf(run: StreamRun<unknown, unknown>, withLifetime = true) {
  const response = responseOf({ run, held: undefined, lastId: undefined })
  return withLifetime ? response : { ...response, lifetime: undefined }
}

/**
 * Takes back a parked run for a new response, from the frame after `lastId`. The caller has
 * checked that the run is the requester's. `not_found:stream` when no run of that id is parked
 * here (it ended, was never parked, or runs on another instance); `conflict:stream_position` when
 * the client's last frame is not the last one sent.
 */
export function reattach(point: { streamId: string; lastId: string }) {
  const cursor = parked().get(point.streamId)
  if (!cursor) {
    throw new AppError('not_found:stream', `No stream ${point.streamId} is waiting to be resumed on this instance`)
  }
  if (cursor.lastId !== point.lastId) {
    throw new AppError('conflict:stream_position', `The stream's last frame sent was ${cursor.lastId ?? 'none'}, not ${point.lastId}`)
  }
  parked().delete(point.streamId)
  clearTimeout(cursor.timer)
  return responseOf(cursor)
}
