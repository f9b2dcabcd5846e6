/**
 * The platform layer's front door: how a feature reaches Redis. A feature's `instance.ts` picks
 * its implementation with {@link backend}; a Redis backend is handed a {@link RedisSource} (the
 * process's one {@link RedisContext}) and wraps its work in {@link guarded} (an outage is one
 * honest 503). Wake-ups across instances go through {@link RemoteChanges}. The platform layer
 * imports no feature: every Lua script is written and registered here (`lua/`, `scripts.ts`).
 */
export { backend, sharedRedis, usesRedis, type RedisSource } from './instance'
export {
  openRedis,
  redisSettings,
  type BinaryCommands,
  type ChannelListener,
  type Channels,
  type RedisCommands,
  type RedisContext,
  type RedisSettings,
  type RedisTarget,
} from './connection'
export { asUnavailable, guarded, guardedIterable, isOutage } from './errors'
export { LINGER_MS, RemoteChanges } from './changes'
export type { ScriptReply } from './scripts'
export { SEGMENT_BYTES } from './lua/durable'
