import { config } from '@/lib/config'
import { asUnavailable } from '@/lib/durable/redis/availability'
import { connectPair, type RedisConnection } from '@/lib/durable/redis/connection'
import { AppError } from '@/lib/errors'
import { singleton } from '@/lib/singleton'

/**
 * The process's shared Redis connections, for every feature that keeps state in Redis when the
 * app runs on several instances (chat records, jobs, stop signals): one command connection and
 * one subscriber connection (pub/sub needs its own), opened on first use. The durable stream
 * store opens its own pair through the same `connectPair` (see `lib/durable/instance.ts`).
 */
export interface SharedRedis {
  client: RedisConnection
  subscriber: RedisConnection
  /** Prefix of every key (`SLUICE_REDIS_PREFIX`), so installations can share one database. */
  prefix: string
}

/** Whether this process keeps shared state in Redis (`REDIS_URL` set, unless `SLUICE_STORE=embedded`). */
export function usesRedis(): boolean {
  return config().store.kind === 'redis'
}

/**
 * The shared connections; fails with `unavailable:store` if Redis cannot be reached in time. A
 * failed opening is not remembered: the next caller tries again.
 */
export function sharedRedis(): Promise<SharedRedis> {
  const store = config().store
  if (store.kind !== 'redis') throw new AppError('internal:redis', 'Redis is not configured (REDIS_URL)')
  const opening = singleton('redis.shared', () => ({ pair: undefined as Promise<SharedRedis> | undefined }))
  opening.pair ??= connectPair(store.url, store.connectTimeoutMs).then(
    (pair) => ({ ...pair, prefix: store.prefix }),
    (error: unknown) => {
      opening.pair = undefined
      throw error
    },
  )
  return opening.pair
}

/** Runs `work` with the shared connections; a lost connection becomes `503 unavailable:store`. */
export async function withRedis<T>(work: (redis: SharedRedis) => Promise<T>): Promise<T> {
  try {
    return await work(await sharedRedis())
  } catch (error) {
    throw asUnavailable(error)
  }
}
