import type { UIMessage } from 'ai'
import { ChatKeys, DELETE_CHAT, encodeStreamId, SET_ACTIVE_STREAM, ZREM_IF_SCORE } from '@/lib/chat/redis-keys'
import {
  messageText,
  queryWords,
  snippetAround,
  titleFrom,
  type Chat,
  type ChatSearchHit,
  type ChatStore,
  type ChatSummary,
} from '@/lib/chat/store'
import { asUnavailable } from '@/lib/durable/redis/availability'
import type { RedisConnection } from '@/lib/durable/redis/connection'

/**
 * The Redis connection of a {@link RedisChatStore}: a connected client, a promise of one, or a
 * getter called for every operation (so that a process opens it lazily and retries a failed
 * opening, see `lib/redis.ts`).
 */
export type ChatRedisSource = RedisConnection | Promise<RedisConnection> | (() => Promise<RedisConnection>)

/** Chats read per round trip while searching. */
const SEARCH_PAGE = 50
/** Search looks at the most recently updated chats only, at most this many. */
export const SEARCH_MAX_CHATS = 1000

/** Entries of a chat's `texts` list: what search needs of a message. */
type TextEntry = [id: string, role: UIMessage['role'], text: string]

const summary = (id: string, hash: Record<string, string>): ChatSummary => ({
  id,
  title: hash.title ?? '',
  createdAt: Number(hash.createdAt),
  updatedAt: Number(hash.updatedAt),
  messageCount: Number(hash.messageCount ?? 0),
  moderation: hash.moderation === '1',
  activeStreamId: hash.activeStreamId ?? null,
})

/**
 * The shared {@link ChatStore}, for several app instances on one Redis: any instance answers any
 * request, and nothing touches the local disk. A chat's keys share one hash slot (see
 * `redis-keys.ts`); each change of a chat is one MULTI/EXEC or Lua script, so it is atomic even
 * when several instances write at once, and `setActiveStream` with `expected` is a true
 * compare-and-set. The listing index (`chats:by-updated`) is updated right after the chat's own
 * change and checked against the chat's keys on read, so a crash in between never shows a chat
 * that is gone.
 *
 * Search has no full-text index: it reads the {@link SEARCH_MAX_CHATS} most recently updated
 * chats, newest first, {@link SEARCH_PAGE} at a time, and stops at `limit` hits. Older chats are
 * not searched.
 *
 * Connection failures surface as `503 unavailable:store`.
 */
export class RedisChatStore implements ChatStore {
  private readonly keys: ChatKeys

  constructor(
    private readonly source: ChatRedisSource,
    prefix: string,
  ) {
    this.keys = new ChatKeys(prefix)
  }

  private async run<T>(work: (client: RedisConnection) => Promise<T>): Promise<T> {
    try {
      const client = typeof this.source === 'function' ? await this.source() : await this.source
      return await work(client)
    } catch (error) {
      throw asUnavailable(error)
    }
  }

  get(id: string): Promise<Chat | undefined> {
    const k = this.keys.chat(id)
    return this.run(async (client) => {
      // One transaction, so that metadata and messages come from the same save.
      const [hash, messages] = await client.multi().hGetAll(k.meta).lRange(k.messages, 0, -1).execTyped()
      if (hash.updatedAt === undefined) return undefined
      return { ...summary(id, hash), messages: messages.map((m) => JSON.parse(m) as UIMessage) }
    })
  }

  list({ limit = 50, offset = 0 }: { limit?: number; offset?: number } = {}): Promise<{ total: number; chats: ChatSummary[] }> {
    const start = Math.max(offset, 0)
    const stop = start + Math.min(Math.max(limit, 1), 1000) - 1
    return this.run(async (client) => {
      const [total, entries] = await Promise.all([client.zCard(this.keys.byUpdated), client.zRangeWithScores(this.keys.byUpdated, start, stop)])
      const hashes = await Promise.all(entries.map((e) => client.hGetAll(this.keys.chat(e.value).meta)))
      const chats: ChatSummary[] = []
      entries.forEach((entry, i) => {
        const hash = hashes[i]!
        if (hash.updatedAt !== undefined) chats.push(summary(entry.value, hash))
        else this.forget(client, entry.value, entry.score) // deleted, or a crash between the two steps
      })
      return { total: total - (entries.length - chats.length), chats }
    })
  }

  save(id: string, update: { messages: UIMessage[]; title?: string; moderation?: boolean }): Promise<void> {
    const k = this.keys.chat(id)
    const now = Date.now()
    const title = update.title ?? titleFrom(update.messages)
    return this.run(async (client) => {
      const change = client
        .multi()
        .hSet(k.meta, { title, updatedAt: String(now), messageCount: String(update.messages.length) })
        .hSetNX(k.meta, 'createdAt', String(now))
      if (update.moderation === undefined) change.hSetNX(k.meta, 'moderation', '0')
      else change.hSet(k.meta, 'moderation', update.moderation ? '1' : '0')
      change.del([k.messages, k.texts])
      if (update.messages.length > 0) {
        change.rPush(k.messages, update.messages.map((m) => JSON.stringify(m)))
        change.rPush(k.texts, update.messages.map((m) => JSON.stringify([m.id, m.role, messageText(m)] satisfies TextEntry)))
      }
      await change.exec()
      // LT: a slower save that started earlier never moves the chat back in the listing.
      await client.zAdd(this.keys.byUpdated, { score: -now, value: id }, { comparison: 'LT' })
    })
  }

  setActiveStream(id: string, streamId: string | null, options: { expected?: string | null } = {}): Promise<boolean> {
    const expected = options.expected === undefined ? '' : encodeStreamId(options.expected)
    return this.run(async (client) => {
      const changed = await client.eval(SET_ACTIVE_STREAM, { keys: [this.keys.chat(id).meta], arguments: [expected, encodeStreamId(streamId)] })
      return changed === 1
    })
  }

  async search(query: string, { limit = 10, signal }: { limit?: number; signal?: AbortSignal } = {}): Promise<ChatSearchHit[]> {
    signal?.throwIfAborted()
    const words = queryWords(query)
    if (words.length === 0) return []
    const wanted = Math.min(Math.max(limit, 1), 100)
    return this.run(async (client) => {
      const hits: ChatSearchHit[] = []
      for (let start = 0; start < SEARCH_MAX_CHATS && hits.length < wanted; start += SEARCH_PAGE) {
        const ids = await client.zRange(this.keys.byUpdated, start, Math.min(start + SEARCH_PAGE, SEARCH_MAX_CHATS) - 1)
        signal?.throwIfAborted()
        if (ids.length === 0) break
        const keys = ids.map((id) => this.keys.chat(id))
        const [metas, texts] = await Promise.all([
          Promise.all(keys.map((k) => client.hmGet(k.meta, ['title', 'updatedAt']))),
          Promise.all(keys.map((k) => client.lRange(k.texts, 0, -1))),
        ])
        signal?.throwIfAborted()
        ids.forEach((chatId, i) => {
          const [title, updatedAt] = metas[i]!
          if (updatedAt == null) return // deleted since the index was read
          for (const entry of texts[i]!.toReversed()) {
            if (hits.length >= wanted) return
            const [messageId, role, text] = JSON.parse(entry) as TextEntry
            const lower = text.toLowerCase()
            if (!words.every((w) => lower.includes(w))) continue
            hits.push({ chatId, title: title ?? '', messageId, role, snippet: snippetAround(text, words[0]!), updatedAt: Number(updatedAt) })
          }
        })
      }
      return hits
    })
  }

  delete(id: string): Promise<boolean> {
    const k = this.keys.chat(id)
    return this.run(async (client) => {
      const updated = await client.eval(DELETE_CHAT, { keys: [k.meta, k.messages, k.texts], arguments: [] })
      if (typeof updated !== 'string' || updated === '') return false
      // Only if no save re-created the chat meanwhile (it would have moved the score).
      await client.eval(ZREM_IF_SCORE, { keys: [this.keys.byUpdated], arguments: [id, String(-Number(updated))] })
      return true
    })
  }

  /** Drops an index entry whose chat is gone, unless a save re-created it meanwhile; best effort. */
  private forget(client: RedisConnection, id: string, score: number): void {
    client.eval(ZREM_IF_SCORE, { keys: [this.keys.byUpdated], arguments: [id, String(score)] }).catch(() => undefined)
  }
}
