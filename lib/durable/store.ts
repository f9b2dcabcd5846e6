import type { WaitOutcome } from '@/lib/notifier'

/**
 * The storage interface of durable streams: append-only byte streams addressed by a path,
 * with positions counted in bytes from the start of the stream.
 *
 * It is deliberately free of any backend's vocabulary (no tables, files or keys): the embedded
 * implementation (`lib/durable/embedded/`) and the Redis one (`lib/durable/redis/`) implement it,
 * and both run the same contract suite (`test/unit/durable/store-contract.ts`). Protocol details that are not
 * storage (offset tokens, JSON framing, HTTP headers) live in the `protocol-*` modules.
 */

/** How a stream expires: never, after a sliding idle window, or at a fixed instant. */
export type Expiry =
  | { kind: 'none' }
  /** Expires `seconds` after the last read or write (reads via {@link StreamStore.touch}). */
  | { kind: 'ttl'; seconds: number }
  /** Expires at `at` (ms since the epoch), whatever happens. */
  | { kind: 'at'; at: number }

/** An idempotent producer's identity and position (Kafka-style, see PROTOCOL.md §5.2.1). */
export interface ProducerClaim {
  id: string
  epoch: number
  seq: number
}

/** Where a fork was taken from: kept so that a repeated create can be recognised as the same. */
export interface ForkOrigin {
  /** Path of the source stream. */
  source: string
  /** Byte position in the source the fork inherits up to (exclusive). */
  position: number
  /** The request as given (anchor position and sub-offset), for idempotent re-creation. */
  anchor: number
  subOffset: number
}

/** Everything known about one live stream. */
export interface StreamMeta {
  path: string
  /** Unique per creation: tells a stream apart from an earlier one deleted at the same path. */
  incarnation: string
  contentType: string
  /** The path without its last segment (`export/abc` → `export`); `''` for single-segment paths. */
  namespace: string
  metadata: Readonly<Record<string, string>>
  createdAt: number
  /** Bytes in the stream: the position the next append starts at. */
  tail: number
  closed: boolean
  /** The producer tuple whose append closed the stream, if a producer closed it. */
  closedBy: ProducerClaim | undefined
  expiry: Expiry
  /** The instant the stream expires as things stand now (ms), if it expires. */
  expiresAt: number | undefined
  /** Asked to be stored gzip-compressed once closed. */
  compress: boolean
  /** Currently stored gzip-compressed (set some time after a `compress` stream closes). */
  compressed: boolean
  /** Bytes the stream occupies in storage. */
  storedBytes: number
  fork: ForkOrigin | undefined
}

/** A stream looked up by path: live, soft-deleted (kept for its forks' sake), or absent. */
export type Lookup = { state: 'live'; meta: StreamMeta } | { state: 'gone' } | { state: 'missing' }

export interface CreateSpec {
  contentType: string
  metadata?: Record<string, string>
  expiry: Expiry
  compress?: boolean
  /** Create the stream already closed (after the initial content). */
  closed?: boolean
  /** Initial content, appended after any inherited fork content. */
  initial?: Uint8Array
  /** Create as a fork: copy the source's bytes `[0, fork.position)`. */
  fork?: ForkOrigin
}

export type CreateOutcome =
  | { kind: 'created'; meta: StreamMeta }
  /** A live stream already exists at the path; nothing was changed. */
  | { kind: 'exists'; meta: StreamMeta }
  /** The path belongs to a soft-deleted stream and cannot be reused yet. */
  | { kind: 'gone' }
  | { kind: 'source-missing' }
  | { kind: 'source-gone' }
  /** `fork.position` lies beyond the source's tail. */
  | { kind: 'fork-out-of-range'; tail: number }

export interface AppendInput {
  /** The bytes to append; empty only when `close` is set (a close-only request). */
  data: Uint8Array
  /** Close the stream, atomically with the append. */
  close?: boolean
  producer?: ProducerClaim
  /** Writer sequence (`Stream-Seq`): must be greater, byte-wise, than the last one seen. */
  streamSeq?: string
  /** Refuse (as `missing`) if the stream at the path is not this incarnation. */
  incarnation?: string
}

export type AppendOutcome =
  | {
      kind: 'ok'
      tail: number
      closed: boolean
      /** True when a producer retry was recognised and nothing was written. */
      duplicate: boolean
      /** The producer's epoch and highest accepted sequence number, when a producer wrote. */
      producer: { epoch: number; seq: number } | undefined
    }
  | { kind: 'missing' }
  | { kind: 'gone' }
  /** The stream is closed; nothing was written. */
  | { kind: 'closed'; tail: number }
  /** The producer's epoch is older than the one the stream knows (zombie fencing). */
  | { kind: 'stale-epoch'; epoch: number }
  /** A new epoch must start at sequence 0. */
  | { kind: 'bad-epoch-start' }
  | { kind: 'seq-gap'; expected: number; received: number }
  | { kind: 'stream-seq-regression'; last: string }

export type DeleteOutcome = 'deleted' | 'soft-deleted' | 'missing' | 'gone'

/** What a wait ended with (the in-process notifier's type, `lib/notifier.ts`). */
export type { WaitOutcome }

export interface ListQuery {
  namespace?: string
  /** Exact matches on metadata keys. */
  metadata?: Record<string, string>
  limit: number
  offset: number
}

export interface ListResult {
  total: number
  streams: StreamMeta[]
}

/**
 * Durable append-only streams. Every method is async so that networked backends fit; an
 * acknowledged (resolved) append survives a crash of the process, and a reader never sees part
 * of an append.
 */
export interface StreamStore {
  /** Creates a stream at `path`, or reports the existing one unchanged. */
  create(path: string, spec: CreateSpec): Promise<CreateOutcome>
  /** Looks a stream up. Expired streams are deleted on the way and reported missing (or gone). */
  lookup(path: string): Promise<Lookup>
  /** Restarts a sliding TTL window (a read happened). No effect on other expiries. */
  touch(path: string): Promise<void>
  /** Appends, closes, or both, with producer and sequence checks, atomically. */
  append(path: string, input: AppendInput): Promise<AppendOutcome>
  /**
   * Bytes `[from, to)` of the stream described by `meta` (`to` at most `meta.tail`), in chunks.
   * Aborting `signal` (or leaving the loop) releases the underlying resources.
   */
  read(meta: StreamMeta, from: number, to: number, signal?: AbortSignal): AsyncIterable<Uint8Array>
  /** The whole stream as stored gzip bytes, when `meta.compressed`; otherwise `undefined`. */
  readCompressed(meta: StreamMeta, signal?: AbortSignal): AsyncIterable<Uint8Array> | undefined
  /**
   * Resolves once the stream may differ from "tail `after`, open": data appended, closed,
   * deleted. Every waiter of a stream is woken by the same append, at once.
   */
  waitForChange(path: string, after: number, options: { signal?: AbortSignal; timeoutMs: number }): Promise<WaitOutcome>
  /** Deletes a stream; one that forks were taken from is soft-deleted until they are gone. */
  delete(path: string): Promise<DeleteOutcome>
  /** Live streams, newest first. */
  list(query: ListQuery): Promise<ListResult>
  /** Deletes every expired stream; returns how many. */
  sweep(): Promise<number>
  /** Releases resources (open files, connections). The store is unusable afterwards. */
  dispose(): Promise<void>
}

/** Namespace of a path: everything before the last `/`. */
export function namespaceOf(path: string): string {
  const slash = path.lastIndexOf('/')
  return slash < 0 ? '' : path.slice(0, slash)
}

/** The instant a stream expires, given its expiry and last access (ms), if it expires. */
export function expiryInstant(expiry: Expiry, lastAccess: number): number | undefined {
  if (expiry.kind === 'ttl') return lastAccess + expiry.seconds * 1000
  if (expiry.kind === 'at') return expiry.at
  return undefined
}
