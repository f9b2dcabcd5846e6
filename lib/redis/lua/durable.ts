/**
 * The Lua scripts of the Redis store that create and write streams (the others are in
 * `durable-lifecycle.ts`). Every change to a stream is one script, so Redis runs it atomically
 * (and, with the append-only file, persists all of it or none of it). Each script
 * validates everything before its first write, because Redis does not roll back a script that
 * fails half-way.
 *
 * Stream scripts take `KEYS = [meta, producers, base]` (`lib/durable/redis/keys.ts`): `base` is not a key itself
 * but the prefix the script builds segment keys from; passing it declares the stream's hash slot.
 * Scripts announce a change with `redis.call(PUBLISH, …)`: the registry (`lib/redis/scripts.ts`)
 * defines `PUBLISH` (`PUBLISH`, or `SPUBLISH` on a cluster). Numbers travel as decimal strings
 * and are written back with `int()`, never with Lua's default number formatting (which would
 * turn 1700000000000 into 1.7e+12).
 */

/**
 * Bytes per data segment: just under 1 MiB, so that a full segment (with Redis's string header)
 * fits jemalloc's 1 MiB size class instead of spilling into the 1.25 MiB one.
 */
export const SEGMENT_BYTES = 1024 * 1024 - 64

export const PRELUDE = `
local SEGMENT = ${SEGMENT_BYTES}
local function int(n) return string.format('%d', n) end
local function segment(base, inc, k) return base .. 'd:' .. inc .. ':' .. int(k) end
local function gzsegment(base, inc, k) return base .. 'z:' .. inc .. ':' .. int(k) end
local function staged(base, inc, attempt, k) return base .. 'zs:' .. inc .. ':' .. attempt .. ':' .. int(k) end
local function count(length) return math.ceil(length / SEGMENT) end
local function expiresAt(ttl, at, accessed)
  if ttl then return tonumber(accessed) + tonumber(ttl) * 1000 end
  if at then return tonumber(at) end
  return nil
end
local function unlinkAll(keys)
  for i = 1, #keys, 500 do redis.call('UNLINK', unpack(keys, i, math.min(i + 499, #keys))) end
end
local function countExisting(keys)
  local n = 0
  for i = 1, #keys, 500 do n = n + redis.call('EXISTS', unpack(keys, i, math.min(i + 499, #keys))) end
  return n
end
-- Appends data at tail, filling the last segment before starting the next; returns the new tail.
-- Redis over-allocates a string that grows by APPEND (up to twice its size), so a segment that
-- appends filled is rewritten once, at its exact size.
local function write(base, inc, tail, data)
  local n, i = #data, 1
  while i <= n do
    local k = math.floor(tail / SEGMENT)
    local room = SEGMENT - (tail - k * SEGMENT)
    local piece = data
    if i > 1 or n > room then piece = string.sub(data, i, i + room - 1) end
    local key = segment(base, inc, k)
    if redis.call('APPEND', key, piece) == SEGMENT and #piece < SEGMENT then
      redis.call('SET', key, redis.call('GET', key))
    end
    i = i + #piece
    tail = tail + #piece
  end
  return tail
end
`

/**
 * Creates a stream unless the path is taken. A fork's inherited bytes were staged beforehand
 * (with an expiry, in case the creation never happens) and are made permanent here.
 * ARGV: now, incarnation, contentType, namespace, metadata JSON, ttl, at, compress, closed,
 * initial bytes, fork source, fork position, fork anchor, fork sub-offset ('' when absent).
 * Reply: {'created' | 'exists', fields} | {'gone'} | {'expired'}.
 */
export const CREATE = `${PRELUDE}
local meta, base = KEYS[1], KEYS[3]
local existing = redis.call('HMGET', meta, 'deleted', 'ttl', 'at', 'accessed')
if existing[1] then
  if existing[1] == '1' then return {'gone'} end
  local exp = expiresAt(existing[2], existing[3], existing[4])
  if exp and exp <= tonumber(ARGV[1]) then return {'expired'} end
  return {'exists', redis.call('HGETALL', meta)}
end
local inc, tail = ARGV[2], 0
local fields = {'inc', inc, 'type', ARGV[3], 'ns', ARGV[4], 'metadata', ARGV[5], 'created', ARGV[1],
  'accessed', ARGV[1], 'closed', ARGV[9], 'compress', ARGV[8], 'compressed', '0', 'deleted', '0', 'forks', '0'}
local function add(k, v) fields[#fields + 1] = k; fields[#fields + 1] = v end
if ARGV[6] ~= '' then add('ttl', ARGV[6]) end
if ARGV[7] ~= '' then add('at', ARGV[7]) end
if ARGV[11] ~= '' then
  tail = tonumber(ARGV[12])
  add('forkSource', ARGV[11]); add('forkPosition', ARGV[12]); add('forkAnchor', ARGV[13]); add('forkSub', ARGV[14])
  for k = 0, count(tail) - 1 do redis.call('PERSIST', segment(base, inc, k)) end
end
tail = write(base, inc, tail, ARGV[10])
add('tail', int(tail)); add('stored', int(tail))
redis.call('HSET', meta, unpack(fields))
return {'created', redis.call('HGETALL', meta)}
`

/**
 * Appends and/or closes, applying the rules of `append-rules.ts` (closed streams, idempotent
 * producers, writer sequences) in the same order, inside the script. The contract suite and the
 * differential test (`test/unit/durable/redis-append-rules.test.ts`) hold the two to the same
 * answers.
 * ARGV: now, data, close ('1'/'0'), incarnation (''), producer id (''), epoch, seq,
 * has stream seq ('1'/'0'), stream seq.
 * Reply: {'ok', tail, closed, duplicate, epoch, seq, compressNow} (epoch/seq -1 without a
 * producer) | {'closed', tail} | {'stale-epoch', epoch} | {'bad-epoch-start'} |
 * {'seq-gap', expected, received} | {'stream-seq-regression', last} | {'missing'} | {'gone'} | {'expired'}.
 */
export const APPEND = `${PRELUDE}
local meta, producers, base = KEYS[1], KEYS[2], KEYS[3]
local f = redis.call('HMGET', meta, 'inc', 'deleted', 'ttl', 'at', 'accessed', 'tail', 'closed',
  'closedById', 'closedByEpoch', 'closedBySeq', 'seq', 'compress')
if not f[1] then return {'missing'} end
if f[2] == '1' then return {'gone'} end
local exp = expiresAt(f[3], f[4], f[5])
if exp and exp <= tonumber(ARGV[1]) then return {'expired'} end
if ARGV[4] ~= '' and ARGV[4] ~= f[1] then return {'missing'} end

local tail, data, close = tonumber(f[6]), ARGV[2], ARGV[3] == '1'
local pid = ARGV[5]
local claim = pid ~= ''
local epoch, seq = tonumber(ARGV[6]), tonumber(ARGV[7])
local state = nil
if claim then
  local saved = redis.call('HGET', producers, pid)
  if saved then
    local e, q = string.match(saved, '^(%d+):(%d+)$')
    state = { epoch = tonumber(e), last = tonumber(q) }
  end
end

if f[7] == '1' then
  if claim and f[8] == pid and tonumber(f[9]) == epoch and tonumber(f[10]) == seq then
    return {'ok', tail, 1, 1, epoch, state and state.last or seq, 0}
  end
  if not claim and close and #data == 0 then return {'ok', tail, 1, 0, -1, -1, 0} end
  return {'closed', tail}
end

local nextState = nil
if claim then
  if not state then
    if seq ~= 0 then return {'seq-gap', 0, seq} end
    nextState = { epoch = epoch, last = 0 }
  elseif epoch < state.epoch then return {'stale-epoch', state.epoch}
  elseif epoch > state.epoch then
    if seq ~= 0 then return {'bad-epoch-start'} end
    nextState = { epoch = epoch, last = 0 }
  elseif seq <= state.last then return {'ok', tail, 0, 1, state.epoch, state.last, 0}
  elseif seq == state.last + 1 then nextState = { epoch = epoch, last = seq }
  else return {'seq-gap', state.last + 1, seq} end
end

-- Writer sequences compare byte-wise (Lua's own string order follows the locale).
local function greater(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x > y end
  end
  return #a > #b
end
local fields = {}
local function add(k, v) fields[#fields + 1] = k; fields[#fields + 1] = v end
if ARGV[8] == '1' then
  if f[11] and not greater(ARGV[9], f[11]) then return {'stream-seq-regression', f[11]} end
  add('seq', ARGV[9])
end

tail = write(base, f[1], tail, data)
add('tail', int(tail)); add('stored', int(tail)); add('accessed', ARGV[1])
if close then
  add('closed', '1')
  if claim then add('closedById', pid); add('closedByEpoch', ARGV[6]); add('closedBySeq', ARGV[7]) end
end
redis.call('HSET', meta, unpack(fields))
if nextState then redis.call('HSET', producers, pid, int(nextState.epoch) .. ':' .. int(nextState.last)) end
redis.call(PUBLISH, base .. 'changed', int(tail))
if nextState then
  return {'ok', tail, close and 1 or 0, 0, nextState.epoch, nextState.last, (close and f[12] == '1') and 1 or 0}
end
return {'ok', tail, close and 1 or 0, 0, -1, -1, (close and f[12] == '1') and 1 or 0}
`

/** Restarts a sliding TTL window. ARGV: now. */
export const TOUCH = `
local f = redis.call('HMGET', KEYS[1], 'ttl', 'deleted')
if f[1] and f[2] ~= '1' then redis.call('HSET', KEYS[1], 'accessed', ARGV[1]) end
return 1
`
