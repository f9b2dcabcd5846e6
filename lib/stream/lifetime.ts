import { config } from '@/lib/config'

/**
 * How long one long-lived response stays open on the server.
 *
 * Platforms cut responses that run too long (Vercel at the route's `maxDuration`, 300 s here), in
 * the middle of an event and without telling the client where it was. So every long-lived response
 * ends by itself first, at `SLUICE_STREAM_LIFETIME_MS` (default 270 s), between two events and with
 * an explicit end that says where to resume:
 *
 * - SSE streams end with {@link reconnectEvent} (`event: reconnect`, the position in its `id` and
 *   data), written by `sseStream({ lifetime })` (`lib/stream/sse.ts`);
 * - SSE bytes produced elsewhere (the chat's UI message stream) end with a marker chosen by the
 *   feature, written by `withHeartbeats({ lifetime })`;
 * - the Durable Streams protocol ends its SSE reads after a `control` event (the protocol's own
 *   "resume from here") and its long-polls with `204`, no later than {@link streamLifetimeMs}.
 *
 * Which end each stream uses and how its clients resume: `docs/architecture.md`, "Lifetimes".
 */
export function streamLifetimeMs(): number {
  return config().SLUICE_STREAM_LIFETIME_MS
}

/** A response's deadline: when it must have ended, from when it started. */
export interface Deadline {
  /** Milliseconds left (0 once passed). */
  remaining(): number
  /** True once the lifetime has passed. */
  passed(): boolean
}

/** The deadline of a response starting now; `capMs` shortens it (a feature's own, shorter limit). */
export function lifetimeDeadline(capMs?: number): Deadline {
  const ms = Math.min(streamLifetimeMs(), capMs ?? Number.POSITIVE_INFINITY)
  const endsAt = Date.now() + ms
  return {
    remaining: () => Math.max(0, endsAt - Date.now()),
    passed: () => Date.now() >= endsAt,
  }
}

/** The data of a `reconnect` event: why the response ended, and where to resume. */
export interface ReconnectInfo {
  reason: 'lifetime'
  /** How long the response was open, in ms (the configured lifetime). */
  lifetimeMs: number
  /** The id of the last event sent, which a reconnecting client sends as `Last-Event-ID` (absent: none sent yet). */
  lastEventId?: string
  /** Anything else the client needs to resume (a run's id, a generation's id). */
  [key: string]: unknown
}

/** The SSE event name of the end of a response that reached its lifetime. */
export const RECONNECT_EVENT = 'reconnect'

/**
 * The last event of a response that reached its lifetime: `event: reconnect`, with `id` set to
 * the last event's id so that a plain `EventSource` (which reconnects by itself when the server
 * closes) sends it back as `Last-Event-ID` and misses nothing.
 */
export function reconnectEvent(lastEventId: string | number | undefined, extra: Record<string, unknown> = {}) {
  const id = lastEventId === undefined ? undefined : String(lastEventId)
  const data: ReconnectInfo = {
    reason: 'lifetime',
    lifetimeMs: streamLifetimeMs(),
    ...(id === undefined ? {} : { lastEventId: id }),
    ...extra,
  }
  return { event: RECONNECT_EVENT, ...(id === undefined ? {} : { id }), data }
}
