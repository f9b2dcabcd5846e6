import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { Catalogue } from '@/lib/durable/embedded/catalogue'
import { isExpired, openCatalogue, rowToMeta, type StreamRow } from '@/lib/durable/embedded/database'
import { DataFiles, Flusher } from '@/lib/durable/embedded/files'
import { FsyncDurability } from '@/lib/durable/embedded/group-commit'
import { RecentBytes } from '@/lib/durable/embedded/recent'
import { commitAppend, commitCreate } from '@/lib/durable/embedded/writes'
import { ChangeNotifier } from '@/lib/notifier'
import type { SpaceForDeletes } from '@/lib/disk-reserve'
import { isDiskFull } from '@/lib/errors'
import {
  type AppendInput,
  type AppendOutcome,
  type CreateOutcome,
  type CreateSpec,
  type DeleteOutcome,
  type ListQuery,
  type ListResult,
  type Lookup,
  type StreamMeta,
  type StreamStore,
  type WaitOutcome,
} from '@/lib/durable/store'

/** Chunks already in memory as an async iterable: one small object, not an async generator per read. */
function chunksOf(chunks: Uint8Array[]): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      let next = 0
      return {
        next: async (): Promise<IteratorResult<Uint8Array>> =>
          next < chunks.length ? { value: chunks[next++]!, done: false } : { value: undefined, done: true },
      }
    },
  }
}

export interface EmbeddedStoreOptions {
  /** Directory for the catalogue (`streams.db`) and the stream files (`data/`). */
  dir: string
  /**
   * `fsync`: every acknowledged change is on disk (survives power loss), with concurrent changes
   * sharing one flush (group commit); default `process`.
   */
  durability?: 'process' | 'fsync'
  /** Who wakes waiting readers; pass the process-wide one so every route shares it. */
  notifier?: ChangeNotifier
  /** The clock, for expiry (tests pass a fake one). */
  now?: () => number
  /** Lets a delete that a full disk refused run again (`lib/disk-reserve.ts`). */
  space?: SpaceForDeletes
  /**
   * With `fsync`: flushes that take this long on average (ms) and longer run on the thread pool,
   * faster ones inline (`Flusher`); default 1, `0` always on the thread pool (tests).
   */
  slowFlushMs?: number
}

/**
 * The default store: SQLite catalogue + append-only files, in one process.
 *
 * An append is one synchronous step — check the rules, write the bytes at the committed tail,
 * commit the new tail with the producer state in one SQLite transaction — so appends to a stream
 * are serialised without locks, producer state and data commit together, and a crash at any
 * point leaves either the whole append or none of it (`writes.ts`). Only then are readers woken.
 */
export class EmbeddedStore implements StreamStore {
  private readonly catalogue: Catalogue
  private readonly files: DataFiles
  private readonly recent = new RecentBytes()
  private readonly metas = new WeakMap<StreamRow, StreamMeta>()
  private readonly notifier: ChangeNotifier
  private readonly now: () => number
  private readonly space: SpaceForDeletes | undefined
  private readonly background = new Set<Promise<void>>()
  /** With `fsync` durability: the group commit that changes wait for before they are acknowledged. */
  readonly fsync: FsyncDurability | undefined

  private constructor(options: EmbeddedStoreOptions) {
    const fsync = options.durability === 'fsync'
    mkdirSync(options.dir, { recursive: true })
    const catalogueFile = path.join(options.dir, 'streams.db')
    this.catalogue = new Catalogue(openCatalogue(catalogueFile))
    const flusher = fsync ? new Flusher(options.slowFlushMs) : undefined
    this.files = new DataFiles(path.join(options.dir, 'data'), flusher)
    this.fsync = flusher && new FsyncDurability(this.files, catalogueFile, flusher)
    this.notifier = options.notifier ?? new ChangeNotifier()
    this.now = options.now ?? Date.now
    this.space = options.space
  }

  /** Opens the store and finishes what a crash may have interrupted (orphan files, compression). */
  static async open(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
    const store = new EmbeddedStore(options)
    await store.recover()
    return store
  }

  private async recover(): Promise<void> {
    const known = this.catalogue.allIncarnations()
    for (const incarnation of await this.files.incarnationsOnDisk()) {
      if (!known.has(incarnation)) await this.files.remove(incarnation)
    }
    for (const incarnation of this.catalogue.compressedIncarnations()) await this.files.dropRaw(incarnation)
    for (const row of this.catalogue.awaitingCompression()) this.compressLater(row.path, row.incarnation, row.tail)
  }

  /** With `fsync` durability, waits until every change made so far is on disk; otherwise at once. */
  private async durable(): Promise<void> {
    await this.fsync?.sync()
  }

  private inBackground(work: Promise<void>): void {
    const job = work.catch((error: unknown) => console.error('[sluice] durable streams background task failed', error))
    this.background.add(job)
    void job.finally(() => this.background.delete(job))
  }

  private compressLater(streamPath: string, incarnation: string, length: number): void {
    this.inBackground(
      (async () => {
        const size = await this.files.compress(incarnation, length)
        const marked = this.catalogue.markCompressed(streamPath, incarnation, size)
        await this.durable() // the catalogue must say "compressed" on disk before the plain file goes
        if (marked) await this.files.dropRaw(incarnation)
        else await this.files.remove(incarnation) // deleted meanwhile
      })(),
    )
  }

  /** Removes a row (soft or hard) in its own transaction, then its files; wakes its readers. */
  private removeRow(row: StreamRow): 'deleted' | 'soft-deleted' {
    const { outcome, freed, paths } = this.catalogue.transaction(() => this.catalogue.remove(row))
    for (const incarnation of freed) {
      this.recent.forget(incarnation)
      // Files go once the catalogue has forgotten them on disk (with `fsync` durability).
      this.inBackground(this.durable().then(() => this.files.remove(incarnation)))
    }
    for (const p of paths) this.notifier.notify(p)
    return outcome
  }

  /** The row at `path` if live; expired rows are removed on the way. */
  private liveRow(streamPath: string): { row: StreamRow } | { state: 'missing' | 'gone' } {
    const row = this.catalogue.get(streamPath)
    if (!row) return { state: 'missing' }
    if (row.deleted === 1) return { state: 'gone' }
    if (isExpired(row, this.now())) return { state: this.removeRow(row) === 'soft-deleted' ? 'gone' : 'missing' }
    return { row }
  }

  async lookup(streamPath: string): Promise<Lookup> {
    const found = this.liveRow(streamPath)
    if (!('row' in found)) return found
    // Every live reader looks its stream up after each append: they share one answer per row
    // (rows are replaced, never changed, and a meta is never changed by its users).
    let meta = this.metas.get(found.row)
    if (!meta) this.metas.set(found.row, (meta = rowToMeta(found.row)))
    return { state: 'live', meta }
  }

  async touch(streamPath: string): Promise<void> {
    try {
      this.catalogue.touch(streamPath, this.now())
    } catch (error) {
      // A read must not fail because the disk is full: the access time is only the TTL's start.
      if (!isDiskFull(error)) throw error
    }
  }

  async create(streamPath: string, spec: CreateSpec): Promise<CreateOutcome> {
    const existing = this.liveRow(streamPath)
    if ('row' in existing) return { kind: 'exists', meta: rowToMeta(existing.row) }
    if (existing.state === 'gone') return { kind: 'gone' }

    const incarnation = randomBytes(12).toString('hex')
    try {
      return await this.createIncarnation(streamPath, incarnation, spec)
    } catch (error) {
      // E.g. a full disk: leave no file behind for a stream that was never committed.
      await this.files.remove(incarnation).catch(() => {})
      throw error
    }
  }

  private async createIncarnation(streamPath: string, incarnation: string, spec: CreateSpec): Promise<CreateOutcome> {
    let sourceIncarnation: string | undefined
    if (spec.fork) {
      const source = this.liveRow(spec.fork.source)
      if (!('row' in source)) return { kind: source.state === 'gone' ? 'source-gone' : 'source-missing' }
      if (spec.fork.position > source.row.tail) return { kind: 'fork-out-of-range', tail: source.row.tail }
      sourceIncarnation = source.row.incarnation
      // The source's prefix is immutable, so it can be copied before the transaction.
      await this.files.copyPrefix(
        { incarnation: source.row.incarnation, compressed: source.row.compressed === 1 },
        incarnation,
        spec.fork.position,
      )
    } else {
      this.files.createSync(incarnation)
    }

    const outcome = commitCreate(this.catalogue, this.files, { streamPath, incarnation, spec, sourceIncarnation, now: this.now() })
    if (outcome) {
      await this.files.remove(incarnation)
      return outcome
    }
    const row = this.catalogue.get(streamPath)!
    if (row.closed === 1 && row.compress === 1) this.compressLater(streamPath, incarnation, row.tail)
    await this.durable()
    return { kind: 'created', meta: rowToMeta(row) }
  }

  async append(streamPath: string, input: AppendInput): Promise<AppendOutcome> {
    // With `fsync`, commits wait while a flush runs (the event loop serves everything else): they
    // join the next group, whose flush covers their bytes before the tails that point at them.
    const betweenFlushes = this.fsync?.betweenFlushes()
    if (betweenFlushes) await betweenFlushes
    const found = this.liveRow(streamPath)
    if (!('row' in found)) return { kind: found.state }
    const now = this.now()
    const { outcome, written } = commitAppend(this.catalogue, this.files, streamPath, input, now)
    if (written && outcome.kind === 'ok') this.recent.add(written.incarnation, written.tail, input.data)
    // Acknowledge (and wake live readers) only once the append is on disk. Answers that wrote
    // nothing wait too: a duplicate's original, or the append a refusal is based on, may still be
    // on its way to the disk.
    await this.durable()
    if (written && outcome.kind === 'ok') {
      this.notifier.notify(streamPath)
      if (outcome.closed && written.compress === 1) this.compressLater(streamPath, written.incarnation, outcome.tail)
    }
    return outcome
  }

  read(meta: StreamMeta, from: number, to: number, signal?: AbortSignal): AsyncIterable<Uint8Array> {
    const end = Math.min(to, meta.tail)
    // Live readers mostly ask for what was just appended: answer from memory when it is there.
    const cached = this.recent.slice(meta.incarnation, from, end)
    if (cached) return chunksOf(cached)
    return this.files.read(meta.incarnation, meta.compressed, from, end, signal)
  }

  readCompressed(meta: StreamMeta, signal?: AbortSignal): AsyncIterable<Uint8Array> | undefined {
    return meta.compressed ? this.files.readGzip(meta.incarnation, signal) : undefined
  }

  async waitForChange(streamPath: string, after: number, options: { signal?: AbortSignal; timeoutMs: number }): Promise<WaitOutcome> {
    const subscription = this.notifier.subscribe(streamPath)
    try {
      const row = this.catalogue.get(streamPath)
      if (!row || row.deleted === 1 || row.closed === 1 || row.tail > after) return 'changed'
      return await subscription.wait(options)
    } finally {
      subscription.dispose()
    }
  }

  async delete(streamPath: string): Promise<DeleteOutcome> {
    const found = this.liveRow(streamPath)
    if (!('row' in found)) return found.state
    const { row } = found
    // On a full disk SQLite cannot even record a delete: the reserve makes room for it.
    const outcome = this.space ? await this.space.retryWhenFull(() => this.removeRow(row)) : this.removeRow(row)
    await this.durable()
    return outcome
  }

  async list(query: ListQuery): Promise<ListResult> {
    const { total, rows } = this.catalogue.list(query, this.now())
    return { total, streams: rows.map(rowToMeta) }
  }

  async sweep(): Promise<number> {
    let removed = 0
    for (const row of this.catalogue.expired(this.now())) {
      this.removeRow(row)
      removed++
    }
    return removed
  }

  /** Waits for background work (compression, file removal) to finish. For tests and shutdown. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background])
  }

  async dispose(): Promise<void> {
    await this.idle()
    await this.durable()
    this.files.closeAll()
    this.fsync?.close()
    this.catalogue.db.close()
  }
}
