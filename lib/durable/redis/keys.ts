/**
 * Where the Redis store keeps things. Every key of one stream starts with the same base,
 * `<prefix>ds:{<path>}:`, whose `{…}` is a Redis Cluster hash tag: the whole stream — its
 * metadata, producers and data segments — lives in one hash slot, so each Lua script that changes
 * a stream touches a single slot and runs atomically on Redis Cluster as on a single server.
 * `{`, `}` and `%` in paths are percent-encoded, so the tag is exactly the path and no two paths
 * share a key.
 *
 * Stream bytes are stored in fixed-size segments (about 1 MiB): segment `k` holds bytes
 * `[k * SEGMENT_BYTES, (k + 1) * SEGMENT_BYTES)`, so any position is found without an index, an
 * append is an `APPEND` to the last segment (two when it crosses a boundary), and a read is a
 * series of `GETRANGE`s of bounded size. Segment keys include the stream's incarnation, so a
 * stream re-created at the same path never sees its predecessor's bytes.
 *
 * The cross-stream indexes (listing, expiry, pending compression) are sorted sets outside any
 * stream's slot; they are hints that the store checks against each stream's own keys.
 */

/** Bytes per data segment (defined with the Lua scripts that build segment keys from it). */
import { SEGMENT_BYTES } from '@/lib/redis'

export { SEGMENT_BYTES }

/** How long staged segments (a fork's copy or a compression in progress) live if never committed. */
export const STAGED_TTL_MS = 60 * 60 * 1000

/** Keys of one stream. */
export interface StreamKeys {
  /** Hash: the stream's metadata and state (see `meta.ts`). */
  meta: string
  /** Hash: producer id → `epoch:lastSeq`. */
  producers: string
  /** The common prefix of the stream's keys; scripts build segment keys from it. */
  base: string
  /** Pub/sub channel announcing "this stream changed". */
  channel: string
}

function escape(text: string): string {
  return text.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** Segment `k` of a stream's plain bytes. Lua builds the same names (`lua.ts`). */
export function segmentKey(base: string, incarnation: string, k: number): string {
  return `${base}d:${incarnation}:${k}`
}

/** Segment `k` of a stream's gzip bytes, once compressed. */
export function gzipSegmentKey(base: string, incarnation: string, k: number): string {
  return `${base}z:${incarnation}:${k}`
}

/** Segment `k` of a compression attempt in progress (renamed to {@link gzipSegmentKey} when done). */
export function stagedGzipSegmentKey(base: string, incarnation: string, attempt: string, k: number): string {
  return `${base}zs:${incarnation}:${attempt}:${k}`
}

/** How many segments hold `length` bytes. */
export function segmentCount(length: number): number {
  return Math.ceil(length / SEGMENT_BYTES)
}

/** The key names of one Sluice installation (all under `prefix`). */
export class KeySpace {
  readonly prefix: string

  // A plain field, not a parameter property: benchmarks load this file with Node's type stripping.
  constructor(prefix: string) {
    this.prefix = prefix
  }

  stream(path: string): StreamKeys {
    const base = `${this.prefix}ds:{${escape(path)}}:`
    return { meta: `${base}meta`, producers: `${base}producers`, base, channel: `${base}changed` }
  }

  /** Sorted set of every live stream's path, scored by creation time. */
  get all(): string {
    return `${this.prefix}ds:index:all`
  }

  /** Sorted set of the live streams of one namespace, scored by creation time. */
  namespace(namespace: string): string {
    return `${this.prefix}ds:index:ns:${escape(namespace)}`
  }

  /** Sorted set of streams that expire, scored by (a lower bound of) their expiry instant. */
  get expiring(): string {
    return `${this.prefix}ds:index:expiring`
  }

  /** Sorted set of closed `compress` streams whose compression has not finished, by start time. */
  get compressing(): string {
    return `${this.prefix}ds:index:compressing`
  }
}
