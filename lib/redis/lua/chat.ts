/** The Lua scripts of the Redis chat store (`lib/chat/redis-store.ts`, keys in `lib/chat/redis-keys.ts`). */

/**
 * KEYS: meta. ARGV: expected (`''` = do not compare, `-` = none, `=<id>`), new (`-` = none,
 * `=<id>`). Sets `activeStreamId` if the chat exists and, when asked, currently is `expected`.
 * Returns 1 when it changed it, 0 otherwise.
 */
export const SET_ACTIVE_STREAM = `
local meta = KEYS[1]
if redis.call('EXISTS', meta) == 0 then return 0 end
if ARGV[1] ~= '' then
  local current = redis.call('HGET', meta, 'activeStreamId')
  local seen = '-'
  if current then seen = '=' .. current end
  if seen ~= ARGV[1] then return 0 end
end
if ARGV[2] == '-' then
  redis.call('HDEL', meta, 'activeStreamId')
else
  redis.call('HSET', meta, 'activeStreamId', string.sub(ARGV[2], 2))
end
return 1
`

/**
 * KEYS: meta. ARGV: the new title, or `''` to go back to the automatic one. Renames the chat if it
 * exists (never re-creating a deleted one); returns 1 when it did, 0 when there is no such chat.
 */
export const RENAME_CHAT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[1] == '' then
  redis.call('HDEL', KEYS[1], 'customTitle')
else
  redis.call('HSET', KEYS[1], 'customTitle', ARGV[1])
end
return 1
`

/**
 * KEYS: meta, messages, texts. Deletes the chat; returns its `updatedAt` (so that the caller
 * removes its index entry only if no newer save re-created it), or `''` when there was none.
 */
export const DELETE_CHAT = `
local updated = redis.call('HGET', KEYS[1], 'updatedAt')
if not updated then return '' end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return updated
`
