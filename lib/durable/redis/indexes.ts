import type { KeySpace } from '@/lib/durable/redis/keys'
import { expiredAt, metaFromHash } from '@/lib/durable/redis/meta'
import type { ListQuery, ListResult, StreamMeta } from '@/lib/durable/store'
import type { RedisCommands } from '@/lib/redis'

/**
 * The cross-stream sorted sets of the Redis store: all streams and each namespace's (for
 * listing), streams that expire (for the sweeper), compressions under way (to finish those a
 * crash interrupted). They live outside the streams' hash slots, so they are updated after the
 * stream's own atomic change and are treated as hints: every entry is checked against the
 * stream's hash, and stale entries are removed only if their score is still the one seen (so a
 * stream re-created at the same path meanwhile keeps its entry).
 */
export class StreamIndexes {
  constructor(
    private readonly client: RedisCommands,
    private readonly keys: KeySpace,
  ) {}

  /** Records a new stream. */
  async added(meta: StreamMeta): Promise<void> {
    const entry = { score: meta.createdAt, value: meta.path }
    const writes = [this.client.zAdd(this.keys.all, entry), this.client.zAdd(this.keys.namespace(meta.namespace), entry)]
    if (meta.expiresAt !== undefined) writes.push(this.client.zAdd(this.keys.expiring, { score: meta.expiresAt, value: meta.path }))
    await Promise.all(writes)
  }

  /** Forgets a removed stream (created at `createdAt`) in the listing indexes. */
  async removed(path: string, namespace: string, createdAt: number): Promise<void> {
    await Promise.all([this.removeIf(this.keys.all, path, createdAt), this.removeIf(this.keys.namespace(namespace), path, createdAt)])
  }

  removeIf(key: string, member: string, score: number): Promise<unknown> {
    return this.client.zRemIfScore([key], [member, String(score)])
  }

  /** Up to `limit` streams whose expiry (as last recorded) is at or before `now`. */
  async dueForExpiry(now: number, limit: number): Promise<Array<{ value: string; score: number }>> {
    return this.client.zRangeByScoreWithScores(this.keys.expiring, '-inf', now, { LIMIT: { offset: 0, count: limit } })
  }

  /** Moves a stream's expiry entry to its current expiry instant. */
  async rescheduleExpiry(path: string, at: number): Promise<void> {
    await this.client.zAdd(this.keys.expiring, { score: at, value: path })
  }

  /** Notes that `path` is being compressed (from `now`), or is no longer. */
  async compressing(path: string, now: number | undefined): Promise<void> {
    if (now === undefined) await this.client.zRem(this.keys.compressing, path)
    else await this.client.zAdd(this.keys.compressing, { score: now, value: path })
  }

  /** Compressions started before `before` and never finished. */
  stalledCompressions(before: number, limit: number): Promise<string[]> {
    return this.client.zRangeByScore(this.keys.compressing, '-inf', before, { LIMIT: { offset: 0, count: limit } })
  }

  /**
   * Live streams, newest first (ties by path), filtered by namespace and exact metadata
   * matches. Reads the index and a few fields of every candidate (pipelined), then the full
   * metadata of one page: linear in the streams of the namespace, bounded in memory per stream.
   */
  async list(query: ListQuery, now: number): Promise<ListResult> {
    const index = query.namespace === undefined ? this.keys.all : this.keys.namespace(query.namespace)
    const entries = await this.client.zRangeWithScores(index, 0, -1)
    entries.sort((a, b) => b.score - a.score || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    const fields = await Promise.all(
      entries.map((e) => this.client.hmGet(this.keys.stream(e.value).meta, ['inc', 'deleted', 'ttl', 'at', 'accessed', 'metadata'])),
    )
    const wanted = Object.entries(query.metadata ?? {})
    const matching = entries.filter((entry, i) => {
      const [inc, deleted, ttl, at, accessed, metadata] = fields[i]!
      if (inc == null) {
        this.removeIf(index, entry.value, entry.score).catch(() => undefined) // its stream is gone for good; a later listing retries
        return false
      }
      if (deleted === '1' || expiredAt(ttl, at, accessed, now)) return false
      const values = JSON.parse(metadata ?? '{}') as Record<string, string>
      return wanted.every(([key, value]) => values[key] === value)
    })
    const page = matching.slice(query.offset, query.offset + query.limit)
    const hashes = await Promise.all(page.map((e) => this.client.hGetAll(this.keys.stream(e.value).meta)))
    const streams = page.flatMap((e, i) => (hashes[i]!.inc === undefined ? [] : [metaFromHash(e.value, hashes[i]!)]))
    return { total: matching.length, streams }
  }
}
