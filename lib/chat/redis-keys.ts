/**
 * Where the Redis chat store keeps things (see docs/chat.md, "Several instances: chats in Redis").
 *
 * Every key of one chat starts with `<prefix>chat:{<id>}:`, whose `{…}` is a Redis Cluster hash
 * tag: a chat's keys live in one hash slot, so the MULTI/EXEC and Lua scripts that change a chat
 * run atomically on Redis Cluster as on a single server.
 *
 * - `…:meta` — hash: `title` (from the first user message), `customTitle` (given by a rename,
 *   absent otherwise; shown instead of `title`), `createdAt`, `updatedAt` (ms), `moderation`
 *   (`0`/`1`), `messageCount`, and `activeStreamId` (absent when no generation runs).
 * - `…:messages` — list: each message as JSON, in order.
 * - `…:texts` — list: `[id, role, text]` JSON per message, the plain text that search reads
 *   (so a search never parses tool outputs or reasoning).
 *
 * `<prefix>chats:by-updated` is the listing index: a sorted set of chat ids scored by
 * `-updatedAt`, so that ascending rank is "newest first, ties by id" like the SQLite store. It
 * lies outside every chat's slot, so it is updated after the chat's own change and read as a hint.
 */
export interface ChatKeySet {
  meta: string
  messages: string
  texts: string
}

/** `{`, `}` and `%` percent-encoded, so the hash tag is exactly the id and no two ids share a key. */
function escape(text: string): string {
  return text.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

export class ChatKeys {
  readonly prefix: string

  // A plain field, not a parameter property: benchmarks load this file with Node's type stripping.
  constructor(prefix: string) {
    this.prefix = prefix
  }

  /** The keys of chat `id`, in the order the scripts below expect them. */
  chat(id: string): ChatKeySet {
    const base = `${this.prefix}chat:{${escape(id)}}:`
    return { meta: `${base}meta`, messages: `${base}messages`, texts: `${base}texts` }
  }

  /** Sorted set of every chat id, scored by `-updatedAt`. */
  get byUpdated(): string {
    return `${this.prefix}chats:by-updated`
  }
}

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

/** A nullable stream id as the `SET_ACTIVE_STREAM` script reads it. */
export function encodeStreamId(id: string | null): string {
  return id === null ? '-' : `=${id}`
}
