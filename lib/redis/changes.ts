import type { ChangeNotifier } from '@/lib/notifier'
import type { Channels } from '@/lib/redis/connection'

/**
 * Wakes this instance's waiting readers when any instance announces a change on a channel (a
 * durable stream's appends and close, an owner's list of streams). Every script that
 * changes a stream publishes on the stream's channel, inside the script, so a committed change is
 * always announced. This instance subscribes to a stream's channel while at least one of its
 * readers waits on it, and hands each message to the in-process {@link ChangeNotifier}, which
 * wakes all of them at once — no polling.
 *
 * Subscribing (and unsubscribing) is serialised per channel, and {@link RemoteChanges.acquire}
 * resolves only once Redis has confirmed the subscription, so a reader that checks the stream
 * after acquiring cannot miss a change. A subscription outlives its last reader by a moment
 * ({@link LINGER_MS}), so a live tail that waits again right after each wake-up does not pay a
 * subscribe and an unsubscribe per append. If the subscriber connection drops, messages published
 * meanwhile are lost; when it is back, every waiting reader is woken to look again. On a Redis
 * Cluster the channels are sharded (`SSUBSCRIBE` on the master of the stream's slot, see
 * `lib/redis/connection.ts`), and the client subscribes again where a slot moved.
 */
export const LINGER_MS = 5_000

interface Subscription {
  path: string
  users: number
  ready: Promise<void>
  /** Pending unsubscription, while nobody uses it. */
  linger: NodeJS.Timeout | undefined
}

export class RemoteChanges {
  private readonly subscribed = new Map<string, Subscription>()
  private readonly queue = new Map<string, Promise<void>>()

  constructor(
    private readonly pubsub: Channels,
    private readonly notifier: ChangeNotifier,
  ) {
    pubsub.onResume(() => {
      for (const { path } of this.subscribed.values()) notifier.notify(path)
    })
  }

  /** Runs `operation` after the previous one on the same channel. */
  private serially(channel: string, operation: () => Promise<void>): Promise<void> {
    const previous = this.queue.get(channel) ?? Promise.resolve()
    const next = previous.catch(() => undefined).then(operation)
    this.queue.set(channel, next)
    const forget = () => {
      if (this.queue.get(channel) === next) this.queue.delete(channel)
    }
    next.then(forget, forget)
    return next
  }

  /**
   * Ensures this instance hears about changes of the stream at `path` (channel `channel`).
   * Resolves, once subscribed, to a function that releases the interest.
   */
  async acquire(path: string, channel: string): Promise<() => void> {
    let entry = this.subscribed.get(channel)
    if (!entry) {
      const ready = this.serially(channel, () => this.pubsub.subscribe(channel, () => this.notifier.notify(path)))
      entry = { path, users: 0, ready, linger: undefined }
      this.subscribed.set(channel, entry)
    }
    const held = entry
    held.users++
    clearTimeout(held.linger)
    held.linger = undefined
    let released = false
    const release = () => {
      if (released) return
      released = true
      if (--held.users > 0) return
      held.linger = setTimeout(() => this.unsubscribe(channel, held), LINGER_MS)
      held.linger.unref()
    }
    try {
      await held.ready
    } catch (error) {
      released = true
      held.users--
      if (this.subscribed.get(channel) === held) this.subscribed.delete(channel) // the next reader tries again
      throw error
    }
    return release
  }

  private unsubscribe(channel: string, entry: Subscription): void {
    if (entry.users > 0 || this.subscribed.get(channel) !== entry) return
    this.subscribed.delete(channel)
    this.serially(channel, () => this.pubsub.unsubscribe(channel)).catch((error: unknown) =>
      console.error('[sluice] redis unsubscribe failed', error),
    )
  }

  /** Forgets every subscription (the connection is about to close). */
  close(): void {
    for (const entry of this.subscribed.values()) clearTimeout(entry.linger)
    this.subscribed.clear()
  }

  /** Channels currently subscribed (for tests and metrics). */
  get channels(): number {
    return this.subscribed.size
  }
}
