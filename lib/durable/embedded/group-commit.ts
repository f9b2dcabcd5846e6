import { deferred, type Deferred } from '@/lib/async'
import { walFlusher } from '@/lib/durable/embedded/database'
import type { DataFiles, Flusher } from '@/lib/durable/embedded/files'

/**
 * Group commit for `SLUICE_STREAMS_DURABILITY=fsync`: writes that happen close together share one
 * flush to disk instead of paying one each (the reference server batches its fdatasyncs the same way).
 *
 * A writer makes its change (visible to the process, not yet on disk), then awaits {@link sync}.
 * The flush starts once the current turn of the event loop has handled what arrived with it
 * (`setImmediate`), so every change made before it started is covered; only then do the waiters
 * resolve. On a slow disk the flush runs off the event loop (`Flusher`, `files.ts`): requests go
 * on being served meanwhile. A change that must not be made durable by a flush that does not cover
 * it whole (an append: its bytes, then the tail that points at them) is made only while no flush
 * runs ({@link running}); it then waits for the next flush, which starts as soon as this one is
 * over. One flush at a time. A flush that fails rejects every waiter it would have covered: none
 * of them is acknowledged.
 */
export class GroupCommit {
  private waiting: Deferred<void>[] = []
  private scheduled = false
  private flushing: Deferred<void> | undefined
  /** Flushes run so far (for tests and benchmarks). */
  flushes = 0

  constructor(private readonly flush: () => Promise<void>) {}

  /** Resolves once a flush that started after this call has completed. */
  sync(): Promise<void> {
    const waiter = deferred()
    this.waiting.push(waiter)
    this.schedule()
    return waiter.promise
  }

  /** While a flush runs: a promise of its end (resolved before its waiters are); otherwise `undefined`. */
  running(): Promise<void> | undefined {
    return this.flushing?.promise
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return
    this.scheduled = true
    setImmediate(() => void this.run())
  }

  private async run(): Promise<void> {
    this.scheduled = false
    const batch = this.waiting
    this.waiting = []
    const flushing = (this.flushing = deferred())
    this.flushes++
    let failure: { error: unknown } | undefined
    try {
      await this.flush()
    } catch (error) {
      failure = { error }
    }
    this.flushing = undefined
    flushing.resolve()
    if (this.waiting.length > 0) this.schedule()
    for (const waiter of batch) {
      if (failure) waiter.reject(failure.error)
      else waiter.resolve()
    }
  }
}

/**
 * The embedded store's `fsync` durability: one {@link GroupCommit} whose flush writes the data
 * files to the disk first, then the catalogue's log that points at them (each inline or on the
 * thread pool, as the `Flusher` decides). Appends commit only between flushes ({@link
 * betweenFlushes}), so the log's flush never makes durable a tail whose bytes the data files'
 * flush did not cover.
 */
export class FsyncDurability {
  readonly group: GroupCommit
  private readonly wal: ReturnType<typeof walFlusher>

  constructor(files: DataFiles, catalogueFile: string, flusher: Flusher) {
    const wal = (this.wal = walFlusher(catalogueFile, flusher))
    this.group = new GroupCommit(async () => {
      await files.syncDirty()
      await wal.flush()
    })
  }

  /**
   * While a flush runs, a promise that resolves once none does (`undefined` when none runs, so
   * that a change made at once pays no await): a change must be made then to join the next flush whole.
   */
  betweenFlushes(): Promise<void> | undefined {
    const running = this.group.running()
    return running && this.afterFlushes(running)
  }

  private async afterFlushes(running: Promise<void>): Promise<void> {
    for (let next: Promise<void> | undefined = running; next; next = this.group.running()) await next
  }

  /** Resolves once every change made so far is on disk. */
  sync(): Promise<void> {
    return this.group.sync()
  }

  /** Closes the log's descriptor; call once no flush is running (after a last {@link sync}). */
  close(): void {
    this.wal.close()
  }
}
