import { config } from '@/lib/config'
import { openRedis, type RedisContext } from '@/lib/redis/connection'
import { AppError } from '@/lib/errors'
import { singleton } from '@/lib/singleton'

/**
 * The platform layer's front door for the features: whether this process keeps its state in
 * Redis, the process's one {@link RedisContext} (one connection pair, or one cluster client,
 * opened on first use), and {@link backend}, with which each feature's `instance.ts` picks its
 * embedded or its Redis implementation in one call.
 */

/** Whether this process keeps shared state in Redis (`REDIS_URL` or `REDIS_CLUSTER_NODES`, unless `SLUICE_STORE=embedded`). */
export function usesRedis(): boolean {
  return config().store.kind === 'redis'
}

/** Gives a backend the process's Redis, opening it on first call (see {@link sharedRedis}). */
export type RedisSource = () => Promise<RedisContext>

/**
 * The process's Redis; fails with `unavailable:store` if it cannot be reached in time. A failed
 * opening is not remembered: the next caller tries again.
 */
export const sharedRedis: RedisSource = () => {
  const store = config().store
  if (store.kind !== 'redis') throw new AppError('internal:redis', 'Redis is not configured (REDIS_URL or REDIS_CLUSTER_NODES)')
  const opening = singleton('redis.shared', () => ({ context: undefined as Promise<RedisContext> | undefined }))
  opening.context ??= openRedis(store).catch((error: unknown) => {
    opening.context = undefined
    throw error
  })
  return opening.context
}

/**
 * A feature's implementation for this process: `redis(sharedRedis)` when it keeps its state in
 * Redis, else `embedded()`. Each feature's `instance.ts` calls it once (inside its singleton);
 * nothing connects here (Redis backends open the shared connection on their first operation).
 */
export function backend<T>(choices: { embedded: () => T; redis: (redis: RedisSource) => T }): T {
  return usesRedis() ? choices.redis(sharedRedis) : choices.embedded()
}
