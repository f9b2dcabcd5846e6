import fs from 'node:fs'
import { DatabaseSync } from 'node:sqlite'
import type { Flusher } from '@/lib/durable/embedded/files'
import { expiryInstant, type Expiry, type ProducerClaim, type StreamMeta } from '@/lib/durable/store'

/**
 * The embedded store's catalogue: one SQLite database (built-in `node:sqlite`, WAL mode) with a
 * row per stream (its tail, state and configuration) and a row per idempotent producer. Stream
 * bytes live in append-only files next to it (`files.ts`); a stream's `tail` here is the commit
 * point that makes an append visible.
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS streams (
  path TEXT PRIMARY KEY,
  incarnation TEXT NOT NULL UNIQUE,
  content_type TEXT NOT NULL,
  namespace TEXT NOT NULL,
  metadata TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  accessed_at INTEGER NOT NULL,
  tail INTEGER NOT NULL,
  closed INTEGER NOT NULL DEFAULT 0,
  closed_by TEXT,
  last_stream_seq TEXT,
  ttl_seconds INTEGER,
  expires_at INTEGER,
  compress INTEGER NOT NULL DEFAULT 0,
  compressed INTEGER NOT NULL DEFAULT 0,
  stored_bytes INTEGER NOT NULL DEFAULT 0,
  fork_source TEXT,
  fork_position INTEGER,
  fork_anchor INTEGER,
  fork_sub INTEGER,
  deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX IF NOT EXISTS streams_by_namespace ON streams (namespace, created_at);
CREATE INDEX IF NOT EXISTS streams_by_created ON streams (created_at);
CREATE INDEX IF NOT EXISTS streams_by_fork_source ON streams (fork_source);
CREATE INDEX IF NOT EXISTS streams_by_expiry ON streams (expires_at);
CREATE TABLE IF NOT EXISTS producers (
  path TEXT NOT NULL,
  producer_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (path, producer_id)
) STRICT, WITHOUT ROWID;
`

/** A `streams` row as SQLite returns it. */
export interface StreamRow {
  path: string
  incarnation: string
  content_type: string
  namespace: string
  metadata: string
  created_at: number
  accessed_at: number
  tail: number
  closed: number
  closed_by: string | null
  last_stream_seq: string | null
  ttl_seconds: number | null
  expires_at: number | null
  compress: number
  compressed: number
  stored_bytes: number
  fork_source: string | null
  fork_position: number | null
  fork_anchor: number | null
  fork_sub: number | null
  deleted: number
}

/**
 * Opens (creating if needed) the catalogue. Commits reach the OS at once (`synchronous=NORMAL` in
 * WAL mode), which survives a crash or `kill -9` of the process but not a power cut; SQLite still
 * syncs around its checkpoints. For `fsync` durability the store flushes the WAL itself, once for
 * a group of commits ({@link walFlusher}), instead of SQLite's `FULL` flushing once per commit.
 */
export function openCatalogue(file: string): DatabaseSync {
  const db = new DatabaseSync(file, { timeout: 5_000 })
  db.exec('PRAGMA journal_mode = WAL')
  db.exec('PRAGMA synchronous = NORMAL')
  db.exec(SCHEMA)
  return db
}

/**
 * Flushes the catalogue's write-ahead log (`<file>-wal`) to the disk: after it, every transaction
 * committed before is durable, as `synchronous=FULL` would have made it at its own commit. The
 * log file is opened once (SQLite keeps it, reusing it from the start after a checkpoint, while
 * the connection is open); `fdatasync` on any descriptor of a file flushes that file, the
 * `flusher`'s way (inline or on the thread pool); the store closes the log only once no flush is
 * running (`dispose`).
 */
export function walFlusher(file: string, flusher: Flusher): { flush(): Promise<void>; close(): void } {
  let fd: number | undefined
  return {
    flush() {
      fd ??= fs.openSync(`${file}-wal`, 'r')
      return flusher.flush(fd)
    },
    close() {
      if (fd !== undefined) fs.closeSync(fd)
      fd = undefined
    },
  }
}

export function expiryOf(row: StreamRow): Expiry {
  if (row.ttl_seconds !== null) return { kind: 'ttl', seconds: row.ttl_seconds }
  if (row.expires_at !== null) return { kind: 'at', at: row.expires_at }
  return { kind: 'none' }
}

/** Expiry columns for an {@link Expiry}. */
export function expiryColumns(expiry: Expiry): { ttl_seconds: number | null; expires_at: number | null } {
  if (expiry.kind === 'ttl') return { ttl_seconds: expiry.seconds, expires_at: null }
  if (expiry.kind === 'at') return { ttl_seconds: null, expires_at: expiry.at }
  return { ttl_seconds: null, expires_at: null }
}

export function isExpired(row: StreamRow, now: number): boolean {
  const at = expiryInstant(expiryOf(row), row.accessed_at)
  return at !== undefined && at <= now
}

function parseClaim(text: string | null): ProducerClaim | undefined {
  return text === null ? undefined : (JSON.parse(text) as ProducerClaim)
}

export function rowToMeta(row: StreamRow): StreamMeta {
  const expiry = expiryOf(row)
  return {
    path: row.path,
    incarnation: row.incarnation,
    contentType: row.content_type,
    namespace: row.namespace,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    createdAt: row.created_at,
    tail: row.tail,
    closed: row.closed === 1,
    closedBy: parseClaim(row.closed_by),
    expiry,
    expiresAt: expiryInstant(expiry, row.accessed_at),
    compress: row.compress === 1,
    compressed: row.compressed === 1,
    storedBytes: row.stored_bytes,
    fork:
      row.fork_source === null
        ? undefined
        : { source: row.fork_source, position: row.fork_position ?? 0, anchor: row.fork_anchor ?? 0, subOffset: row.fork_sub ?? 0 },
  }
}

/**
 * Runs `fn` in one write transaction; rolls back if it throws. SQLite may already have rolled
 * back by itself (e.g. `SQLITE_FULL` on a full disk): then the original error is what is thrown.
 */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE')
  try {
    const result = fn()
    db.exec('COMMIT')
    return result
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK')
    throw error
  }
}
