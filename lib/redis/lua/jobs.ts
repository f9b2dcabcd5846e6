/**
 * The Lua scripts of the Redis jobs store (`lib/jobs/redis-store.ts`): import jobs (keys in
 * `lib/jobs/redis-keys.ts`) and the export table (`lib/jobs/redis-export-table.ts`).
 */

/** Ends a job that exists (as SQLite's `UPDATE … WHERE id = ?`). KEYS: job hash. ARGV: status, end time. */
export const FINISH_IMPORT_JOB = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'endedAt', ARGV[2])
return 1
`

/**
 * KEYS: current pointer, new rows list, old rows list (the new list's key when there is none).
 * ARGV: expected pointer ('' for none), new pointer, new row count, grace ms.
 * Returns 1 when swapped, 0 when the pointer moved meanwhile (another seed won: try again).
 */
export const SWAP_EXPORT_TABLE = `
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return 0 end
local rows = tonumber(ARGV[3])
if rows > 0 and redis.call('LLEN', KEYS[2]) ~= rows then
  return redis.error_reply('ERR export seed incomplete: its rows expired before the swap')
end
redis.call('PERSIST', KEYS[2])
redis.call('SET', KEYS[1], ARGV[2])
if KEYS[3] ~= KEYS[2] then redis.call('PEXPIRE', KEYS[3], ARGV[4]) end
return 1
`

/**
 * One batch of a generation's rows; a generation that is no longer current (its list has a TTL)
 * gets its grace period back, so it outlives every export still reading it.
 * KEYS: rows list. ARGV: start, stop, grace ms.
 */
export const READ_EXPORT_BATCH = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 and ttl < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return redis.call('LRANGE', KEYS[1], ARGV[1], ARGV[2])
`
