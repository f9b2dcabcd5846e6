import { deferred, type Deferred } from '@/lib/async'

/**
 * Group commit for `SLUICE_STREAMS_DURABILITY=fsync`: writes that happen close together share one
 * flush to disk instead of paying one each (the reference server batches its fdatasyncs the same way).
 *
 * A writer makes its change (visible to the process, not yet on disk), then awaits {@link sync}.
 * The flush runs once the current turn of the event loop has handled what arrived with it
 * (`setImmediate`), synchronously, so every change made before it started is covered; only then
 * do the waiters resolve. Whatever arrives while a flush runs waits for the next one. A flush that
 * throws rejects every waiter it would have covered: none of them is acknowledged.
 */
export class GroupCommit {
  private waiting: Deferred<void>[] = []
  private scheduled = false
  /** Flushes run so far (for tests and benchmarks). */
  flushes = 0

  constructor(private readonly flush: () => void) {}

  /** Resolves once a flush that started after this call has completed. */
  sync(): Promise<void> {
    const waiter = deferred()
    this.waiting.push(waiter)
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => this.run())
    }
    return waiter.promise
  }

  private run(): void {
    this.scheduled = false
    const batch = this.waiting
    this.waiting = []
    try {
      this.flushes++
      this.flush()
    } catch (error) {
      for (const waiter of batch) waiter.reject(error)
      return
    }
    for (const waiter of batch) waiter.resolve()
  }
}
