import { PRELUDE } from '@/lib/redis/lua/durable'

/**
 * The Lua scripts that end or transform streams: removal and expiry, the fork pins that keep a
 * source's tombstone while forks remember it, committing a compression.
 * Conventions as in `lua.ts`; the conditional removal of index entries is `ZREM_IF_SCORE`
 * (`lib/redis/scripts.ts`), shared with the chats.
 */

/**
 * Deletes a stream (`delete`), or only if it has expired (`expire`, optionally only a given
 * incarnation). Frees producers and data; a stream that forks were taken from stays as a
 * tombstone (soft-deleted) until its last fork goes. Wakes its readers.
 * ARGV: mode, now, incarnation ('').
 * Reply: {'missing'} | {'gone'} | {'replaced'} | {'live', expiresAt or ''} |
 * {outcome, removed ('deleted' | 'soft-deleted'), created, namespace, forkSource or ''} where
 * outcome is what the caller reports (`missing`/`gone` when a `delete` found it expired).
 */
export const REMOVE = `${PRELUDE}
local meta, base = KEYS[1], KEYS[3]
local f = redis.call('HMGET', meta, 'inc', 'deleted', 'ttl', 'at', 'accessed', 'tail', 'compressed', 'stored',
  'forks', 'forkSource', 'created', 'ns')
if not f[1] then return {'missing'} end
if f[2] == '1' then return {'gone'} end
local exp = expiresAt(f[3], f[4], f[5])
local expired = exp ~= nil and exp <= tonumber(ARGV[2])
if ARGV[1] == 'expire' then
  if ARGV[3] ~= '' and ARGV[3] ~= f[1] then return {'replaced'} end
  if not expired then return {'live', exp and int(exp) or ''} end
end

redis.call('DEL', KEYS[2])
local doomed = {}
if f[7] == '1' then
  for k = 0, count(tonumber(f[8])) - 1 do doomed[#doomed + 1] = gzsegment(base, f[1], k) end
else
  for k = 0, count(tonumber(f[6])) - 1 do doomed[#doomed + 1] = segment(base, f[1], k) end
end
unlinkAll(doomed)
local removed = 'deleted'
if tonumber(f[9]) > 0 then
  redis.call('HSET', meta, 'deleted', '1', 'stored', '0')
  removed = 'soft-deleted'
else
  redis.call('DEL', meta)
end
redis.call(PUBLISH, base .. 'changed', 'removed')
local outcome = removed
if expired and ARGV[1] == 'delete' then outcome = (removed == 'soft-deleted') and 'gone' or 'missing' end
return {outcome, removed, f[11], f[12], f[10] or ''}
`

/**
 * Pins a fork source (counts the fork) if it is live and long enough. ARGV: now, position.
 * Reply: {'ok', fields} | {'source-missing'} | {'source-gone'} | {'expired'} | {'fork-out-of-range', tail}.
 */
export const PIN_SOURCE = `${PRELUDE}
local f = redis.call('HMGET', KEYS[1], 'deleted', 'ttl', 'at', 'accessed', 'tail')
if not f[1] then return {'source-missing'} end
if f[1] == '1' then return {'source-gone'} end
local exp = expiresAt(f[2], f[3], f[4])
if exp and exp <= tonumber(ARGV[1]) then return {'expired'} end
if tonumber(ARGV[2]) > tonumber(f[5]) then return {'fork-out-of-range', f[5]} end
redis.call('HINCRBY', KEYS[1], 'forks', 1)
return {'ok', redis.call('HGETALL', KEYS[1])}
`

/**
 * Releases one fork's pin on its source; a tombstone whose last fork went is removed.
 * Reply: {'removed', its own fork source or ''} | {'kept'} | {'missing'}.
 */
export const RELEASE_SOURCE = `
local f = redis.call('HMGET', KEYS[1], 'deleted', 'forkSource')
if not f[1] then return {'missing'} end
local forks = redis.call('HINCRBY', KEYS[1], 'forks', -1)
if f[1] == '1' and forks <= 0 then
  redis.call('DEL', KEYS[1])
  return {'removed', f[2] or ''}
end
return {'kept'}
`

/**
 * Commits a finished compression: the staged gzip segments become the stream's data and the
 * plain segments go — unless the stream changed meanwhile, in which case the attempt is dropped.
 * ARGV: incarnation, attempt, gzip size. Reply: 1 committed, 0 dropped.
 */
export const FINISH_COMPRESSION = `${PRELUDE}
local meta, base = KEYS[1], KEYS[3]
local inc, attempt, size = ARGV[1], ARGV[2], tonumber(ARGV[3])
local f = redis.call('HMGET', meta, 'inc', 'deleted', 'closed', 'compressed', 'tail')
local parts = {}
for k = 0, count(size) - 1 do parts[#parts + 1] = staged(base, inc, attempt, k) end
if f[1] ~= inc or f[2] == '1' or f[3] ~= '1' or f[4] == '1' or countExisting(parts) ~= #parts then
  unlinkAll(parts)
  return 0
end
for k = 0, #parts - 1 do
  local target = gzsegment(base, inc, k)
  redis.call('RENAME', parts[k + 1], target)
  redis.call('PERSIST', target)
end
local plain = {}
for k = 0, count(tonumber(f[5])) - 1 do plain[#plain + 1] = segment(base, inc, k) end
unlinkAll(plain)
redis.call('HSET', meta, 'compressed', '1', 'stored', int(size))
return 1
`
