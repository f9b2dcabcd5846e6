import { ClientClosedError } from 'redis'
import { abortError } from '@/lib/async'
import type { Channels, RedisCommands, RedisContext } from '@/lib/redis'
import { leaseKey, stopChannel } from '@/lib/stop-signals/redis-keys'
import { DEFAULT_STOP_REASON, type StopRegistration, type StopSignals } from '@/lib/stop-signals/stop-signals'

/** How long a registration outlives its instance by default: after a crash the key frees itself after this. */
const LEASE_MS = 15_000

export interface RedisStopSignalsOptions {
  /** Default 15 s. */
  leaseMs?: number
  /** How often a running task's instance renews its lease; default a third of the lease. */
  renewMs?: number
}

/**
 * {@link StopSignals} shared by every instance through Redis, so a Stop sent to any instance
 * reaches the one running the task:
 *
 * - **Register** subscribes to the task's channel, then claims its key with `SET NX PX` (the
 *   atomic "one at a time" check). The key is a lease (`SLUICE_STOP_LEASE_MS`, 15 s),
 *   renewed every third of it while the task runs: if its instance dies, the key expires within
 *   the lease and the task counts as ended.
 * - **Stop** is one script: it marks the key as stopping and publishes the reason on the
 *   channel; the registering instance aborts the task's signal when the message arrives.
 *   Subscribing before claiming means no stop can fall between the two.
 * - Key and channel carry the task key as a hash tag (`{chat:abc}`, `redis-keys.ts`): on a
 *   Redis Cluster both are on one slot and the message is sharded (`SPUBLISH`/`SSUBSCRIBE`),
 *   reaching only that slot's shard.
 *
 * A stop published while the registering instance's subscriber connection is down is lost (pub/sub
 * does not queue): `stop()` then answers `false`, and the caller can try again.
 */
export class RedisStopSignals implements StopSignals {
  private readonly client: RedisCommands
  private readonly channels: Channels
  private readonly prefix: string
  private readonly leaseMs: number
  private readonly renewMs: number

  constructor(redis: RedisContext, options: RedisStopSignalsOptions = {}) {
    this.client = redis.commands
    this.channels = redis.channels
    this.prefix = redis.prefix
    this.leaseMs = options.leaseMs ?? LEASE_MS
    this.renewMs = options.renewMs ?? Math.floor(this.leaseMs / 3)
  }

  private keyOf(key: string): string {
    return leaseKey(this.prefix, key)
  }

  private channelOf(key: string): string {
    return stopChannel(this.prefix, key)
  }

  async register(key: string): Promise<StopRegistration | undefined> {
    const controller = new AbortController()
    const channel = this.channelOf(key)
    const redisKey = this.keyOf(key)
    const token = crypto.randomUUID()
    const listener = (message: string) => {
      if (!controller.signal.aborted) controller.abort(abortError(message || DEFAULT_STOP_REASON))
    }
    await this.channels.subscribe(channel, listener)
    let claimed: string | null
    try {
      claimed = await this.client.set(redisKey, token, { condition: 'NX', expiration: { type: 'PX', value: this.leaseMs } })
    } catch (error) {
      await this.channels.unsubscribe(channel, listener).catch(() => {})
      throw error
    }
    if (claimed === null) {
      await this.channels.unsubscribe(channel, listener)
      return undefined
    }
    const renew = setInterval(() => {
      this.client
        .renewLease([redisKey], [token, String(this.leaseMs)])
        .then((renewed) => {
          if (renewed === 0) console.error(`[sluice] stop signals: the lease of ${key} was lost; a stop may no longer reach it`)
        })
        .catch((error: unknown) => {
          // A closed client (shutting down) renews nothing more; anything else is retried next time.
          if (error instanceof ClientClosedError) clearInterval(renew)
          else console.error(`[sluice] stop signals: renewing ${key} failed`, error)
        })
    }, this.renewMs)
    renew.unref()
    let released: Promise<void> | undefined
    return {
      signal: controller.signal,
      release: () => {
        released ??= (async () => {
          clearInterval(renew)
          await Promise.all([this.client.releaseLease([redisKey], [token]), this.channels.unsubscribe(channel, listener)]).catch(
            (error: unknown) => console.error(`[sluice] stop signals: releasing ${key} failed (the lease expires by itself)`, error),
          )
        })()
        return released
      },
    }
  }

  async stop(key: string, reason = DEFAULT_STOP_REASON): Promise<boolean> {
    const heard = await this.client.stopTask([this.keyOf(key)], [this.channelOf(key), reason])
    return Number(heard) > 0
  }

  async isRunning(key: string): Promise<boolean> {
    return (await this.client.exists(this.keyOf(key))) === 1
  }
}
