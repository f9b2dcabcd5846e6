import { randomInt } from 'node:crypto'

/**
 * Cursors for live reads (PROTOCOL.md §10.1): the number of 20-second intervals since
 * 2024-10-09T00:00:00Z. They give CDNs a fresh cache key as time passes; when a client echoes a
 * cursor that is not behind the clock, the answer jumps ahead by a random 1–3600 s so that
 * cursors never repeat and cached responses cannot loop.
 */

const EPOCH = Date.UTC(2024, 9, 9)
const INTERVAL_SECONDS = 20

export function cursorFor(clientCursor: string | null, now = Date.now()): string {
  const current = Math.floor((now - EPOCH) / (INTERVAL_SECONDS * 1000))
  const echoed = clientCursor !== null && /^\d{1,15}$/.test(clientCursor) ? Number(clientCursor) : undefined
  if (echoed === undefined || echoed < current) return String(current)
  const jitterIntervals = Math.ceil(randomInt(1, 3601) / INTERVAL_SECONDS)
  return String(echoed + jitterIntervals)
}
