import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite'
import type { ProducerState } from '@/lib/durable/append-rules'
import { expiryColumns, transaction, type StreamRow } from '@/lib/durable/embedded/database'
import type { Expiry, ForkOrigin, ListQuery, ProducerClaim } from '@/lib/durable/store'

/** A new `streams` row. */
export interface NewStream {
  path: string
  incarnation: string
  contentType: string
  namespace: string
  metadata: Record<string, string>
  now: number
  tail: number
  closed: boolean
  expiry: Expiry
  compress: boolean
  fork: ForkOrigin | undefined
}

/** Live (not deleted, not expired) rows, as SQL, for listing. */
const LIVE = `deleted = 0
  AND (ttl_seconds IS NULL OR accessed_at + ttl_seconds * 1000 > $now)
  AND (expires_at IS NULL OR expires_at > $now)`

/** How many stream rows the catalogue keeps in memory (the most recently used). */
const CACHED_ROWS = 10_000

/**
 * The catalogue's statements, prepared once, with typed parameters and results, and the rows of
 * streams in use kept in memory: an append would otherwise read its row three times (the
 * protocol's look-up, the store's, the transaction's). One process owns the catalogue and every
 * change goes through the methods below, which update or drop the row they change; a transaction
 * that rolls back drops them all ({@link transaction}). Rows handed out are never modified.
 */
export class Catalogue {
  private readonly rows = new Map<string, StreamRow>()
  private readonly selectStream: StatementSync
  private readonly insertStream: StatementSync
  private readonly updateTail: StatementSync
  private readonly touchStream: StatementSync
  private readonly selectProducer: StatementSync
  private readonly upsertProducer: StatementSync
  private readonly deleteProducers: StatementSync
  private readonly deleteStream: StatementSync
  private readonly softDeleteStream: StatementSync
  private readonly countForks: StatementSync
  private readonly markCompressedStatement: StatementSync
  private readonly selectExpired: StatementSync

  constructor(readonly db: DatabaseSync) {
    this.selectStream = db.prepare('SELECT * FROM streams WHERE path = ?')
    this.insertStream = db.prepare(`INSERT INTO streams
      (path, incarnation, content_type, namespace, metadata, created_at, accessed_at, tail, closed,
       ttl_seconds, expires_at, compress, stored_bytes, fork_source, fork_position, fork_anchor, fork_sub)
      VALUES ($path, $incarnation, $content_type, $namespace, $metadata, $now, $now, $tail, $closed,
       $ttl_seconds, $expires_at, $compress, $tail, $fork_source, $fork_position, $fork_anchor, $fork_sub)`)
    this.updateTail = db.prepare(`UPDATE streams SET tail = $tail, stored_bytes = $tail, closed = $closed,
      closed_by = $closed_by, last_stream_seq = $last_stream_seq, accessed_at = $now WHERE path = $path`)
    this.touchStream = db.prepare('UPDATE streams SET accessed_at = ? WHERE path = ? AND ttl_seconds IS NOT NULL AND deleted = 0')
    this.selectProducer = db.prepare('SELECT epoch, last_seq FROM producers WHERE path = ? AND producer_id = ?')
    this.upsertProducer = db.prepare(`INSERT INTO producers (path, producer_id, epoch, last_seq, updated_at)
      VALUES (?, ?, ?, ?, ?) ON CONFLICT (path, producer_id) DO UPDATE
      SET epoch = excluded.epoch, last_seq = excluded.last_seq, updated_at = excluded.updated_at`)
    this.deleteProducers = db.prepare('DELETE FROM producers WHERE path = ?')
    this.deleteStream = db.prepare('DELETE FROM streams WHERE path = ?')
    this.softDeleteStream = db.prepare('UPDATE streams SET deleted = 1, stored_bytes = 0 WHERE path = ?')
    this.countForks = db.prepare('SELECT COUNT(*) AS n FROM streams WHERE fork_source = ?')
    this.markCompressedStatement = db.prepare('UPDATE streams SET compressed = 1, stored_bytes = ? WHERE path = ? AND incarnation = ?')
    this.selectExpired = db.prepare(`SELECT * FROM streams WHERE deleted = 0 AND NOT (${LIVE})`)
  }

  get(path: string): StreamRow | undefined {
    const cached = this.rows.get(path)
    if (cached !== undefined) return cached
    const row = this.selectStream.get(path) as StreamRow | undefined
    if (row !== undefined) this.cache(row)
    return row
  }

  private cache(row: StreamRow): void {
    this.rows.delete(row.path)
    this.rows.set(row.path, row)
    if (this.rows.size > CACHED_ROWS) this.rows.delete(this.rows.keys().next().value!)
  }

  /** Runs `fn` in one write transaction; if it rolls back, the cached rows (maybe changed inside) go. */
  transaction<T>(fn: () => T): T {
    try {
      return transaction(this.db, fn)
    } catch (error) {
      this.rows.clear()
      throw error
    }
  }

  insert(row: NewStream): void {
    this.rows.delete(row.path)
    this.insertStream.run({
      path: row.path,
      incarnation: row.incarnation,
      content_type: row.contentType,
      namespace: row.namespace,
      metadata: JSON.stringify(row.metadata),
      now: row.now,
      tail: row.tail,
      closed: row.closed ? 1 : 0,
      ...expiryColumns(row.expiry),
      compress: row.compress ? 1 : 0,
      fork_source: row.fork?.source ?? null,
      fork_position: row.fork?.position ?? null,
      fork_anchor: row.fork?.anchor ?? null,
      fork_sub: row.fork?.subOffset ?? null,
    })
  }

  /** Records an append: new tail, closed state, writer sequence, last access. */
  recordAppend(
    path: string,
    next: { tail: number; closed: boolean; closedBy: ProducerClaim | undefined; streamSeq: string | undefined; now: number },
  ): void {
    const columns = {
      tail: next.tail,
      closed: next.closed ? 1 : 0,
      closed_by: next.closedBy ? JSON.stringify(next.closedBy) : null,
      last_stream_seq: next.streamSeq ?? null,
    }
    this.updateTail.run({ path, ...columns, now: next.now })
    const cached = this.rows.get(path)
    if (cached !== undefined) this.cache({ ...cached, ...columns, stored_bytes: next.tail, accessed_at: next.now })
  }

  touch(path: string, now: number): void {
    this.touchStream.run(now, path)
    const cached = this.rows.get(path)
    if (cached !== undefined && cached.ttl_seconds !== null && cached.deleted === 0) this.cache({ ...cached, accessed_at: now })
  }

  producer(path: string, id: string): ProducerState | undefined {
    const row = this.selectProducer.get(path, id) as { epoch: number; last_seq: number } | undefined
    return row && { epoch: row.epoch, lastSeq: row.last_seq }
  }

  saveProducer(path: string, id: string, state: ProducerState, now: number): void {
    this.upsertProducer.run(path, id, state.epoch, state.lastSeq, now)
  }

  forksOf(path: string): number {
    return (this.countForks.get(path) as { n: number }).n
  }

  /**
   * Deletes a stream inside the caller's transaction: soft-deleted when forks still name it as
   * their source, removed otherwise — then sources that were only kept for this fork go too.
   * Returns what happened and the incarnations whose files can now be removed.
   */
  remove(row: StreamRow): { outcome: 'deleted' | 'soft-deleted'; freed: string[]; paths: string[] } {
    this.rows.delete(row.path)
    this.deleteProducers.run(row.path)
    if (this.forksOf(row.path) > 0) {
      this.softDeleteStream.run(row.path)
      return { outcome: 'soft-deleted', freed: [row.incarnation], paths: [row.path] }
    }
    this.deleteStream.run(row.path)
    const freed = [row.incarnation]
    const paths = [row.path]
    for (let source = row.fork_source; source !== null;) {
      const parent = this.get(source)
      if (!parent || parent.deleted !== 1 || this.forksOf(source) > 0) break
      this.deleteStream.run(source)
      this.rows.delete(source)
      freed.push(parent.incarnation)
      paths.push(source)
      source = parent.fork_source
    }
    return { outcome: 'deleted', freed, paths }
  }

  markCompressed(path: string, incarnation: string, storedBytes: number): boolean {
    this.rows.delete(path)
    return Number(this.markCompressedStatement.run(storedBytes, path, incarnation).changes) > 0
  }

  expired(now: number): StreamRow[] {
    return this.selectExpired.all({ now }) as unknown as StreamRow[]
  }

  /** Rows the caller must finish (closed, `compress`, not yet compressed). */
  awaitingCompression(): StreamRow[] {
    return this.db
      .prepare('SELECT * FROM streams WHERE deleted = 0 AND closed = 1 AND compress = 1 AND compressed = 0')
      .all() as unknown as StreamRow[]
  }

  allIncarnations(): Set<string> {
    const rows = this.db.prepare('SELECT incarnation, compressed FROM streams').all() as { incarnation: string }[]
    return new Set(rows.map((r) => r.incarnation))
  }

  compressedIncarnations(): string[] {
    const rows = this.db.prepare('SELECT incarnation FROM streams WHERE compressed = 1').all() as { incarnation: string }[]
    return rows.map((r) => r.incarnation)
  }

  list(query: ListQuery, now: number): { total: number; rows: StreamRow[] } {
    const params: Record<string, SQLInputValue> = { now }
    let where = LIVE
    if (query.namespace !== undefined) {
      where += ' AND namespace = $namespace'
      params.namespace = query.namespace
    }
    Object.entries(query.metadata ?? {}).forEach(([key, value], i) => {
      where += ` AND json_extract(metadata, $key${i}) = $value${i}`
      params[`key${i}`] = `$."${key}"`
      params[`value${i}`] = value
    })
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM streams WHERE ${where}`).get(params) as { n: number }).n
    const rows = this.db
      .prepare(`SELECT * FROM streams WHERE ${where} ORDER BY created_at DESC, rowid DESC LIMIT $limit OFFSET $offset`)
      .all({ ...params, limit: query.limit, offset: query.offset }) as unknown as StreamRow[]
    return { total, rows }
  }
}
