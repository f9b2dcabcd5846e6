import { singleton } from '@/lib/singleton'

/** What a wait ended with. `changed` means "look again", not necessarily "there is data". */
export type WaitOutcome = 'changed' | 'timeout' | 'aborted'

/**
 * In-process fan-out of "this stream changed". Readers subscribe, check the stream, then wait;
 * a writer's {@link ChangeNotifier.notify} wakes every subscriber of the stream at once. There
 * is no polling: a quiet reader costs one object in a set and, while it waits, one timer.
 *
 * Subscribing *before* checking the stream is what makes it race-free: an append landing
 * between the check and the wait has already marked the subscription as fired.
 */
export class ChangeNotifier {
  private readonly byKey = new Map<string, Set<ChangeSubscription>>()

  /** Registers interest in `key` from now on. Dispose it when done (wait() does not). */
  subscribe(key: string): ChangeSubscription {
    let set = this.byKey.get(key)
    if (!set) this.byKey.set(key, (set = new Set()))
    const subscription = new ChangeSubscription(this, key)
    set.add(subscription)
    return subscription
  }

  /** Wakes every current subscriber of `key`. */
  notify(key: string): void {
    const set = this.byKey.get(key)
    if (!set) return
    for (const subscription of [...set]) subscription.fire()
  }

  /** @internal Called by {@link ChangeSubscription.dispose}. */
  unsubscribe(key: string, subscription: ChangeSubscription): void {
    const set = this.byKey.get(key)
    if (!set) return
    set.delete(subscription)
    if (set.size === 0) this.byKey.delete(key)
  }

  /** Subscribers of `key` (or of every key): for tests and metrics. */
  subscribers(key?: string): number {
    if (key !== undefined) return this.byKey.get(key)?.size ?? 0
    let n = 0
    for (const set of this.byKey.values()) n += set.size
    return n
  }
}

/** A wait in progress: how it ends. */
interface Waiting {
  resolve: (outcome: WaitOutcome) => void
  timer: NodeJS.Timeout
  signal: AbortSignal | undefined
}

/**
 * One reader's interest in a key. Every live reader makes one per wait for an append, so it is
 * one object with its methods, not a set of closures: a wait allocates its promise, its timer and
 * nothing else that outlives it (`npm run bench:live` with `BENCH_LIVE_ALLOC=1`, docs/benchmarks.md).
 */
export class ChangeSubscription {
  private fired = false
  private disposed = false
  /** The wait in progress; further concurrent waits (rare) are kept in {@link more}. */
  private waiting: Waiting | undefined
  private more: Waiting[] | undefined

  constructor(
    private readonly notifier: ChangeNotifier,
    private readonly key: string,
  ) {}

  /** True once the key was notified after subscribing. */
  get changed(): boolean {
    return this.fired
  }

  /** @internal The key was notified. */
  fire(): void {
    this.fired = true
    this.settleAll('changed')
  }

  /** Resolves on the first notification since subscribing, the timeout, or `signal`. */
  wait(options: { signal?: AbortSignal; timeoutMs: number }): Promise<WaitOutcome> {
    if (this.fired) return Promise.resolve('changed')
    const signal = options.signal
    if (signal?.aborted) return Promise.resolve('aborted')
    return new Promise<WaitOutcome>((resolve) => {
      const waiting: Waiting = { resolve, signal, timer: setTimeout(this.onTimeout, options.timeoutMs, this, resolve) }
      if (this.waiting) (this.more ??= []).push(waiting)
      else this.waiting = waiting
      signal?.addEventListener('abort', this, { once: true })
    })
  }

  /** The timer of one wait ran out (a static-like handler: no closure per wait). */
  private onTimeout(this: void, subscription: ChangeSubscription, resolve: (outcome: WaitOutcome) => void): void {
    subscription.settleOne(resolve, 'timeout')
  }

  /** `EventListener` for the waits' abort signals. */
  handleEvent(event: Event): void {
    const signal = event.target as AbortSignal
    for (const waiting of this.all()) if (waiting.signal === signal) this.settleOne(waiting.resolve, 'aborted')
  }

  private waitsOn(signal: AbortSignal): boolean {
    return this.waiting?.signal === signal || (this.more?.some((other) => other.signal === signal) ?? false)
  }

  private all(): Waiting[] {
    const all = this.more ? [...this.more] : []
    if (this.waiting) all.unshift(this.waiting)
    return all
  }

  private settleOne(resolve: (outcome: WaitOutcome) => void, outcome: WaitOutcome): void {
    let waiting: Waiting | undefined
    if (this.waiting?.resolve === resolve) {
      waiting = this.waiting
      this.waiting = this.more?.shift()
    } else {
      const index = this.more?.findIndex((w) => w.resolve === resolve) ?? -1
      if (index >= 0) waiting = this.more!.splice(index, 1)[0]
    }
    if (waiting) this.finish(waiting, outcome)
  }

  /** Every reader's wait ends here at each append: no copy of the lists, which are emptied first. */
  private settleAll(outcome: WaitOutcome): void {
    const { waiting, more } = this
    this.waiting = undefined
    this.more = undefined
    if (waiting) this.finish(waiting, outcome)
    if (more) for (const other of more) this.finish(other, outcome)
  }

  /** Ends a wait already taken off the lists. */
  private finish(waiting: Waiting, outcome: WaitOutcome): void {
    clearTimeout(waiting.timer)
    // One listener (this object) serves every wait on a signal: it goes with the last of them.
    const signal = waiting.signal
    if (signal && !this.waitsOn(signal)) signal.removeEventListener('abort', this)
    waiting.resolve(outcome)
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    this.notifier.unsubscribe(this.key, this)
  }
}

/** The process-wide notifier shared by every route (Next.js bundles routes separately). */
export function changeNotifier(): ChangeNotifier {
  return singleton('durable.notifier', () => new ChangeNotifier())
}
