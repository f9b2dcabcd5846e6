import { deferred, type Deferred } from '@/lib/async'
import { singleton } from '@/lib/singleton'

/** What a wait ended with. `changed` means "look again", not necessarily "there is data". */
export type WaitOutcome = 'changed' | 'timeout' | 'aborted'

/**
 * In-process fan-out of "this stream changed". Readers subscribe, check the stream, then wait;
 * a writer's {@link ChangeNotifier.notify} wakes every subscriber of the stream at once. There
 * is no polling: a quiet reader costs a closure in a set and, at most, one timer.
 *
 * Subscribing *before* checking the stream is what makes it race-free: an append landing
 * between the check and the wait has already marked the subscription as fired.
 */
export class ChangeNotifier {
  private readonly byKey = new Map<string, Set<() => void>>()

  /** Registers interest in `key` from now on. Dispose it when done (wait() does not). */
  subscribe(key: string): ChangeSubscription {
    const fired = deferred<void>()
    const listener = () => fired.resolve()
    let set = this.byKey.get(key)
    if (!set) this.byKey.set(key, (set = new Set()))
    set.add(listener)
    const remove = () => {
      const current = this.byKey.get(key)
      if (!current) return
      current.delete(listener)
      if (current.size === 0) this.byKey.delete(key)
    }
    return new ChangeSubscription(fired, remove)
  }

  /** Wakes every current subscriber of `key`. */
  notify(key: string): void {
    const set = this.byKey.get(key)
    if (!set) return
    for (const listener of [...set]) listener()
  }

  /** Subscribers of `key` (or of every key): for tests and metrics. */
  subscribers(key?: string): number {
    if (key !== undefined) return this.byKey.get(key)?.size ?? 0
    let n = 0
    for (const set of this.byKey.values()) n += set.size
    return n
  }
}

export class ChangeSubscription {
  constructor(
    private readonly fired: Deferred<void>,
    private readonly remove: () => void,
  ) {}

  /** True once the key was notified after subscribing. */
  get changed(): boolean {
    return this.fired.settled
  }

  /** Resolves on the first notification since subscribing, the timeout, or `signal`. */
  wait(options: { signal?: AbortSignal; timeoutMs: number }): Promise<WaitOutcome> {
    if (this.fired.settled) return Promise.resolve('changed')
    if (options.signal?.aborted) return Promise.resolve('aborted')
    return new Promise<WaitOutcome>((resolve) => {
      const finish = (outcome: WaitOutcome) => {
        clearTimeout(timer)
        options.signal?.removeEventListener('abort', onAbort)
        resolve(outcome)
      }
      const onAbort = () => finish('aborted')
      const timer = setTimeout(() => finish('timeout'), options.timeoutMs)
      options.signal?.addEventListener('abort', onAbort, { once: true })
      void this.fired.promise.then(() => finish('changed'))
    })
  }

  dispose(): void {
    this.remove()
  }
}

/** The process-wide notifier shared by every route (Next.js bundles routes separately). */
export function changeNotifier(): ChangeNotifier {
  return singleton('durable.notifier', () => new ChangeNotifier())
}
