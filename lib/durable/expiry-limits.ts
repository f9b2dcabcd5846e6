/**
 * How long streams may live, for both ways of creating one: document 002's application API
 * (`streams.create`, `POST /api/durable`) and the protocol's `PUT` (`Stream-TTL`,
 * `Stream-Expires-At`). Every expiry stays a few orders of magnitude inside what a `Date` can
 * hold, so no stored stream can make listing or metadata fail.
 */

export const DAY_SECONDS = 86_400
/** The longest TTL, and the furthest `Stream-Expires-At`: 90 days (document 002's maximum). */
export const MAX_TTL_SECONDS = 90 * DAY_SECONDS
/** The shortest TTL of the application API: one minute (document 002's minimum). */
export const MIN_TTL_SECONDS = 60
/**
 * The shortest `Stream-TTL` of the protocol: one second. The protocol has no minimum and its
 * conformance suite creates streams with `Stream-TTL: 1` and `2` to watch them expire, so the
 * protocol keeps short windows; only the upper bound is document 002's.
 */
export const MIN_PROTOCOL_TTL_SECONDS = 1

/**
 * An instant (ms since the epoch) as an ISO 8601 string, or `null` when a `Date` cannot hold it —
 * as for a stream stored before these bounds existed with an expiry beyond the year 275760, which
 * in effect never expires.
 */
export function isoInstant(ms: number | undefined): string | null {
  if (ms === undefined) return null
  const date = new Date(ms)
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
}
