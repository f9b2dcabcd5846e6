import { randomBytes } from 'node:crypto'
import { ChangeNotifier } from '@/lib/notifier'
import { type RedisCommands, type RedisContext, RemoteChanges } from '@/lib/redis'
import { StreamIndexes } from '@/lib/durable/redis/indexes'
import { KeySpace } from '@/lib/durable/redis/keys'
import { hashFromReply, metaFromHash } from '@/lib/durable/redis/meta'
import { appendArgs, appendOutcome, createArgs, removal, startsCompression, type Removal } from '@/lib/durable/redis/replies'
import { Segments } from '@/lib/durable/redis/segments'
import { SharedReads } from '@/lib/durable/redis/shared-reads'
import { StreamData } from '@/lib/durable/redis/stream-data'
import type {
  AppendInput,
  AppendOutcome,
  CreateOutcome,
  CreateSpec,
  DeleteOutcome,
  ForkOrigin,
  ListQuery,
  ListResult,
  Lookup,
  StreamMeta,
  StreamStore,
  WaitOutcome,
} from '@/lib/durable/store'

export interface RedisStoreOptions {
  /** Who wakes this process's waiting readers; pass the process-wide one so every route shares it. */
  notifier?: ChangeNotifier
  /** The clock, for expiry (tests pass a fake one). */
  now?: () => number
}

/** A compression not finished after this long is assumed dead and retried by the sweeper. */
const STALLED_COMPRESSION_MS = 10 * 60 * 1000
/** Expired streams removed per sweep, at most (the next sweep continues). */
const SWEEP_BATCH = 500
const SWEEP_BATCHES = 20

/**
 * The store for several instances: everything about a stream lives in Redis, so any instance
 * answers any request. Each change is one Lua script (`lua.ts`) on the stream's own hash slot —
 * atomic, so concurrent appends from several instances never tear or reorder — and publishes on
 * the stream's channel, which wakes readers waiting on any instance (`changes.ts`); the readers
 * of a stream woken together on one instance share one metadata read and one byte read
 * (`shared-reads.ts`). Bytes are
 * stored in segments of about 1 MiB and read in bounded ranges (`segments.ts`). Changes that span streams
 * (forks pinning their source, the listing and expiry indexes) are sequences of per-stream
 * atomic steps, ordered so that a crash between them leaves nothing a reader can see wrong.
 *
 * An append or a creation is acknowledged once Redis has run its script and, when replicas are
 * required (`SLUICE_REDIS_MIN_REPLICAS`), once they confirm it (`RedisContext.replicated`).
 * Nothing is written to the local disk. Durability is Redis's: see docs/scale-out.md.
 *
 * The store works on the process's shared {@link RedisContext} (one server or a cluster, the
 * same code) and does not close it.
 */
export class RedisStore implements StreamStore {
  private readonly keys: KeySpace
  private readonly data: StreamData
  private readonly indexes: StreamIndexes
  private readonly remote: RemoteChanges
  private readonly notifier: ChangeNotifier
  private readonly now: () => number
  private readonly background = new Set<Promise<void>>()
  private readonly client: RedisCommands
  /** Single-flight metadata and byte reads: readers woken together share them. */
  private readonly shared: SharedReads

  constructor(
    private readonly redis: RedisContext,
    options: RedisStoreOptions = {},
  ) {
    this.client = redis.commands
    this.keys = new KeySpace(redis.prefix)
    this.shared = new SharedReads(redis.commands, redis.binary)
    this.data = new StreamData(this.client, new Segments(redis.binary, this.shared), this.keys, (path) => this.lookup(path))
    this.indexes = new StreamIndexes(this.client, this.keys)
    this.notifier = options.notifier ?? new ChangeNotifier()
    this.remote = new RemoteChanges(redis.channels, this.notifier)
    this.now = options.now ?? Date.now
  }

  private streamKeys(path: string): [meta: string, producers: string, base: string] {
    const keys = this.keys.stream(path)
    return [keys.meta, keys.producers, keys.base]
  }

  private inBackground(work: Promise<void>): void {
    const job = work.catch((error: unknown) => console.error('[sluice] durable streams background task failed', error))
    this.background.add(job)
    void job.finally(() => this.background.delete(job))
  }

  /** Runs the removal script (`delete`, or `expire` if expired) and updates what lies outside the stream. */
  private async remove(path: string, mode: 'delete' | 'expire', incarnation = ''): Promise<Removal> {
    const result = removal(await this.client.removeStream(this.streamKeys(path), [mode, String(this.now()), incarnation]))
    if (result.removed) {
      await this.indexes.removed(path, result.namespace, result.createdAt)
      if (result.removed === 'deleted' && result.forkSource !== '') await this.releaseSource(result.forkSource)
    }
    return result
  }

  /** A fork went: unpin its source, and remove tombstones that only that fork kept, up the chain. */
  private async releaseSource(source: string | undefined): Promise<void> {
    while (source) {
      const reply = await this.client.releaseSource([this.keys.stream(source).meta], [])
      source = reply[0] === 'removed' ? String(reply[1]) : undefined
    }
  }

  async lookup(path: string): Promise<Lookup> {
    const meta = this.keys.stream(path).meta
    for (let attempt = 0; ; attempt++) {
      const hash = await this.shared.meta(meta)
      if (hash.inc === undefined) return { state: 'missing' }
      if (hash.deleted === '1') return { state: 'gone' }
      const found = metaFromHash(path, hash)
      if (found.expiresAt === undefined || found.expiresAt > this.now() || attempt === 3) return { state: 'live', meta: found }
      const { outcome } = await this.remove(path, 'expire', found.incarnation)
      if (outcome === 'deleted' || outcome === 'missing') return { state: 'missing' }
      if (outcome === 'soft-deleted' || outcome === 'gone') return { state: 'gone' }
      // touched or replaced meanwhile: look again
    }
  }

  async touch(path: string): Promise<void> {
    await this.client.touchStream([this.keys.stream(path).meta], [String(this.now())])
  }

  async create(path: string, spec: CreateSpec): Promise<CreateOutcome> {
    const existing = await this.lookup(path)
    if (existing.state === 'live') return { kind: 'exists', meta: existing.meta }
    if (existing.state === 'gone') return { kind: 'gone' }

    const incarnation = randomBytes(12).toString('hex')
    if (spec.fork) {
      const pinned = await this.pinSource(spec.fork)
      if ('kind' in pinned) return pinned
      // The source's prefix is immutable: copy it before the creation, as staged segments.
      try {
        await this.data.stageFork(pinned.meta, spec.fork.position, path, incarnation)
      } catch (error) {
        await this.abandonFork(spec.fork, path, incarnation)
        throw error
      }
    }

    const args = createArgs(path, spec, incarnation, this.now())
    for (let attempt = 0; ; attempt++) {
      const reply = await this.client.createStream(this.streamKeys(path), args)
      if (reply[0] === 'expired' && attempt < 3) {
        await this.remove(path, 'expire')
        continue
      }
      if (reply[0] === 'created') {
        const meta = metaFromHash(path, hashFromReply(reply[1]))
        await this.redis.replicated(this.keys.stream(path).meta)
        await this.indexes.added(meta)
        if (meta.closed && meta.compress) this.compressLater(path, incarnation)
        return { kind: 'created', meta }
      }
      if (spec.fork) await this.abandonFork(spec.fork, path, incarnation)
      if (reply[0] === 'exists') return { kind: 'exists', meta: metaFromHash(path, hashFromReply(reply[1])) }
      return { kind: 'gone' }
    }
  }

  /** Counts a new fork on its source, so the source cannot vanish while forks remember it. */
  private async pinSource(fork: ForkOrigin): Promise<{ meta: StreamMeta } | Exclude<CreateOutcome, { kind: 'created' | 'exists' }>> {
    const reply = await this.client.pinSource([this.keys.stream(fork.source).meta], [String(this.now()), String(fork.position)])
    switch (reply[0]) {
      case 'ok':
        return { meta: metaFromHash(fork.source, hashFromReply(reply[1])) }
      case 'fork-out-of-range':
        return { kind: 'fork-out-of-range', tail: Number(reply[1]) }
      case 'source-gone':
        return { kind: 'source-gone' }
      case 'expired': {
        const { outcome } = await this.remove(fork.source, 'expire')
        return { kind: outcome === 'soft-deleted' || outcome === 'gone' ? 'source-gone' : 'source-missing' }
      }
      default:
        return { kind: 'source-missing' }
    }
  }

  private async abandonFork(fork: ForkOrigin, path: string, incarnation: string): Promise<void> {
    await this.releaseSource(fork.source)
    await this.data.dropFork(fork.position, path, incarnation)
  }

  async append(path: string, input: AppendInput): Promise<AppendOutcome> {
    const args = appendArgs(input, this.now())
    for (let attempt = 0; ; attempt++) {
      const reply = await this.client.appendStream(this.streamKeys(path), args)
      const outcome = appendOutcome(reply)
      if (outcome.kind !== 'expired') {
        // A duplicate waits too: the append it repeats may not have reached the replicas yet.
        if (outcome.kind === 'ok') await this.redis.replicated(this.keys.stream(path).meta)
        if (startsCompression(reply)) this.compressLater(path, input.incarnation)
        return outcome
      }
      const { outcome: removed } = await this.remove(path, 'expire')
      if (removed === 'deleted' || removed === 'missing') return { kind: 'missing' }
      if (removed === 'soft-deleted' || removed === 'gone') return { kind: 'gone' }
      if (attempt === 3) return { kind: 'missing' }
    }
  }

  read(meta: StreamMeta, from: number, to: number, signal?: AbortSignal): AsyncIterable<Uint8Array> {
    return this.data.read(meta, from, to, signal)
  }

  readCompressed(meta: StreamMeta, signal?: AbortSignal): AsyncIterable<Uint8Array> | undefined {
    return meta.compressed ? this.data.readCompressed(meta, signal) : undefined
  }

  async waitForChange(path: string, after: number, options: { signal?: AbortSignal; timeoutMs: number }): Promise<WaitOutcome> {
    const keys = this.keys.stream(path)
    const local = this.notifier.subscribe(path)
    let release: (() => void) | undefined
    try {
      release = await this.remote.acquire(path, keys.channel)
      // Read after the subscription is confirmed: a change after this read wakes the waiter.
      const { inc, tail, closed, deleted } = await this.shared.meta(keys.meta)
      if (inc === undefined || deleted === '1' || closed === '1' || Number(tail) > after) return 'changed'
      return await local.wait(options)
    } finally {
      local.dispose()
      release?.()
    }
  }

  async delete(path: string): Promise<DeleteOutcome> {
    const { outcome } = await this.remove(path, 'delete')
    return outcome as DeleteOutcome
  }

  list(query: ListQuery): Promise<ListResult> {
    return this.indexes.list(query, this.now())
  }

  async sweep(): Promise<number> {
    const now = this.now()
    let removed = 0
    for (let batch = 0; batch < SWEEP_BATCHES; batch++) {
      const due = await this.indexes.dueForExpiry(now, SWEEP_BATCH)
      for (const { value: path, score } of due) {
        const result = await this.remove(path, 'expire')
        if (result.removed) removed++
        if (result.outcome === 'live' && result.expiresAt !== undefined) await this.indexes.rescheduleExpiry(path, result.expiresAt)
        else await this.indexes.removeIf(this.keys.expiring, path, score)
      }
      if (due.length < SWEEP_BATCH) break
    }
    for (const path of await this.indexes.stalledCompressions(now - STALLED_COMPRESSION_MS, 20)) this.compressLater(path, undefined)
    return removed
  }

  /** Compresses a closed `compress` stream in the background (any instance may finish it). */
  private compressLater(path: string, incarnation: string | undefined): void {
    this.inBackground(
      (async () => {
        await this.indexes.compressing(path, this.now())
        const found = await this.lookup(path)
        const meta = found.state === 'live' ? found.meta : undefined
        if (meta && meta.closed && meta.compress && !meta.compressed && (incarnation === undefined || meta.incarnation === incarnation)) {
          await this.data.compress(meta)
        }
        await this.indexes.compressing(path, undefined)
      })(),
    )
  }

  /** Waits for background work (compression) to finish. For tests and shutdown. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background])
  }

  /** Stops the store's own work; the connections are the process's and stay open. */
  async dispose(): Promise<void> {
    await this.idle()
    this.remote.close()
  }
}
