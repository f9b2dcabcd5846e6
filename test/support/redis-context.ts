import { randomBytes } from 'node:crypto'
import { openRedis, redisSettings, type RedisContext, type RedisSettings, type RedisTarget } from '@/lib/redis/connection'
import type { TestRedis, TestRedisCluster } from './redis'

/**
 * Opens a {@link RedisContext} — the platform layer's connections, as an app instance has them —
 * on a test server or cluster, under a fresh key prefix unless one is given. Each call is a
 * separate "instance": its own connections. Close it with `context.close()`.
 */
export function openTestContext(
  redis: TestRedis | TestRedisCluster | RedisTarget,
  overrides: Partial<Omit<RedisSettings, 'target'>> = {},
): Promise<RedisContext> {
  return openRedis(redisSettings(targetOf(redis), { prefix: uniquePrefix(), ...overrides }))
}

export function targetOf(redis: TestRedis | TestRedisCluster | RedisTarget): RedisTarget {
  if ('kind' in redis) return redis
  if ('url' in redis) return { kind: 'server', url: redis.url }
  return { kind: 'cluster', nodes: redis.nodes.map((n) => `redis://${n.address}`) }
}

let unique = 0
export const uniquePrefix = () => `t${++unique}-${randomBytes(3).toString('hex')}:`
