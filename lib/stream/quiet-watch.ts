/**
 * Heartbeats and lifetimes for every open stream of the process on shared timers.
 *
 * A long-lived response needs to know when it has been quiet for the heartbeat interval, and when
 * its lifetime is over. Giving each wait its own `setTimeout`, `AbortController` and listeners
 * costs memory and garbage per connection and per event; here all alarms of one duration sit in
 * one insertion-ordered set (their deadlines are then in order too, as in Node's own timer lists)
 * served by one timer, so an open connection holds two small entries and one pending promise.
 */

interface Entry {
  at: number
  fire: () => void
}

class Clock {
  readonly entries = new Set<Entry>()
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly ms: number) {}

  /** (Re)starts `entry`: it fires `ms` from now. */
  start(entry: Entry): void {
    this.entries.delete(entry)
    entry.at = Date.now() + this.ms
    this.entries.add(entry)
    if (!this.timer) this.arm(this.ms)
  }

  stop(entry: Entry): void {
    this.entries.delete(entry)
  }

  private arm(delay: number): void {
    this.timer = setTimeout(() => this.tick(), Math.max(delay, 1))
    this.timer.unref()
  }

  private tick(): void {
    this.timer = undefined
    const now = Date.now()
    for (const entry of this.entries) {
      if (entry.at > now) break // the rest were started later: they are due later
      this.entries.delete(entry)
      entry.fire()
    }
    const next = this.entries.values().next()
    if (!next.done && !this.timer) this.arm(next.value.at - now)
  }
}

/** One clock per duration, kept for the life of the process (durations are a handful of settings). */
const clocks = new Map<number, Clock>()

function clockFor(ms: number): Clock {
  let clock = clocks.get(ms)
  if (!clock) clocks.set(ms, (clock = new Clock(ms)))
  return clock
}

/** What a {@link QuietWatch} wait ended with. */
export type Quiet = 'quiet' | 'deadline' | 'aborted'

/**
 * One stream's alarms: `quiet` after `heartbeatMs` without {@link activity}, `deadline` once
 * `deadlineMs` from creation have passed, `aborted` when `signal` aborts. {@link next} gives the same
 * promise until one of them happens or {@link activity} is called (a wait in progress then never
 * settles: call `next()` again); each happening settles one promise.
 */
export class QuietWatch {
  private readonly heartbeat: { clock: Clock; entry: Entry } | undefined
  private readonly deadline: { clock: Clock; entry: Entry } | undefined
  private waiting: { promise: Promise<Quiet>; resolve: (quiet: Quiet) => void } | undefined
  private happened: Quiet | undefined
  private readonly onAbort = () => this.settle('aborted')

  constructor(
    options: { heartbeatMs: number; deadlineMs?: number },
    private readonly signal?: AbortSignal,
  ) {
    if (options.heartbeatMs > 0 && Number.isFinite(options.heartbeatMs)) {
      this.heartbeat = { clock: clockFor(options.heartbeatMs), entry: { at: 0, fire: () => this.settle('quiet') } }
      this.heartbeat.clock.start(this.heartbeat.entry)
    }
    if (options.deadlineMs !== undefined && Number.isFinite(options.deadlineMs)) {
      this.deadline = {
        clock: clockFor(Math.max(0, Math.round(options.deadlineMs))),
        entry: { at: 0, fire: () => this.settle('deadline') },
      }
      this.deadline.clock.start(this.deadline.entry)
    }
    signal?.addEventListener('abort', this.onAbort, { once: true })
  }

  /** False when there is nothing to watch: await the source alone. */
  get active(): boolean {
    return this.heartbeat !== undefined || this.deadline !== undefined
  }

  private settle(quiet: Quiet): void {
    if (this.waiting) {
      this.waiting.resolve(quiet)
      this.waiting = undefined
    } else this.happened ??= quiet
  }

  /** The next happening (one that happened since the last call is returned at once). */
  next(): Promise<Quiet> {
    if (this.signal?.aborted) return Promise.resolve('aborted')
    if (this.happened) {
      const quiet = this.happened
      this.happened = undefined
      return Promise.resolve(quiet)
    }
    if (!this.waiting) {
      let resolve!: (quiet: Quiet) => void
      const promise = new Promise<Quiet>((r) => (resolve = r))
      this.waiting = { promise, resolve }
    }
    return this.waiting.promise
  }

  /** Something was sent: the quiet period starts again. */
  activity(): void {
    // A fresh promise for the next wait: every `Promise.race` against the old one left a reaction
    // on it, which a busy stream (never quiet) would otherwise pile up until its lifetime ends.
    this.waiting = undefined
    this.sentAside()
  }

  /**
   * Something was sent beside the wait in progress (a source writing at once, `sseStream`'s push):
   * the quiet period starts again, and the wait in progress still ends at the next happening.
   */
  sentAside(): void {
    if (this.happened === 'quiet') this.happened = undefined
    if (this.heartbeat) this.heartbeat.clock.start(this.heartbeat.entry)
  }

  dispose(): void {
    if (this.heartbeat) this.heartbeat.clock.stop(this.heartbeat.entry)
    if (this.deadline) this.deadline.clock.stop(this.deadline.entry)
    this.signal?.removeEventListener('abort', this.onAbort)
    this.waiting = undefined
  }
}
