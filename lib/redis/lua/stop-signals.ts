/**
 * The Lua scripts of the Redis stop registry (`lib/stop-signals/redis-stop-signals.ts`, keys and
 * channels in `lib/stop-signals/redis-keys.ts`).
 */

/** Extends the lease if it is still ours (as registered, or marked as stopping). KEYS: lease. ARGV: token, ms. */
export const RENEW_LEASE = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] or v == '!' .. ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`

/** Removes the registration if it is still ours. KEYS: lease. ARGV: token. */
export const RELEASE_LEASE = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] or v == '!' .. ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

/**
 * Marks a running task as stopping (once: `!` before its token) and tells its instance. Answers
 * how many subscribers heard it: 0 when no task runs, when it is already stopping, or when the
 * instance that registered it is gone (its lease not yet expired). `PUBLISH` is set by the
 * registry (`lib/redis/scripts.ts`): `SPUBLISH` on a cluster, where the count is the
 * subscribers on the shard's master — the node the registering instance subscribed on.
 * KEYS: lease. ARGV: channel, reason.
 */
export const STOP_TASK = `
local v = redis.call('GET', KEYS[1])
if not v or string.sub(v, 1, 1) == '!' then return 0 end
redis.call('SET', KEYS[1], '!' .. v, 'KEEPTTL')
return redis.call(PUBLISH, ARGV[1], ARGV[2])`
