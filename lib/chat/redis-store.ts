import type { UIMessage } from 'ai'
import { ChatKeys, encodeStreamId } from '@/lib/chat/redis-keys'
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
import { guarded, type RedisCommands, type RedisSource } from '@/lib/redis'

/** Chats read per round trip while searching. */
const SEARCH_PAGE = 50
/** Search looks at the most recently updated chats only, at most this many. */
export const SEARCH_MAX_CHATS = 1000

/** Entries of a chat's `texts` list: what search needs of a message. */
type TextEntry = [id: string, role: UIMessage['role'], text: string]

const summary = (id: string, hash: Record<string, string>): ChatSummary => ({
  id,
  title: hash.customTitle || (hash.title ?? ''),
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
 * A save is acknowledged once Redis has it and, when replicas are required
 * (`SLUICE_REDIS_MIN_REPLICAS`), once they confirm it. Connection failures surface as
 * `503 unavailable:store`.
 */
export class RedisChatStore implements ChatStore {
  constructor(private readonly redis: RedisSource) {}

  private run<T>(work: (client: RedisCommands, keys: ChatKeys, replicated: (key: string) => Promise<void>) => Promise<T>): Promise<T> {
    return guarded('Chats', async () => {
      const redis = await this.redis()
      return work(redis.commands, new ChatKeys(redis.prefix), (key) => redis.replicated(key))
    })
  }

  get(id: string): Promise<Chat | undefined> {
    return this.run(async (client, keys) => {
      const k = keys.chat(id)
      // One transaction, so that metadata and messages come from the same save.
      const [hash, messages] = await client.multi().hGetAll(k.meta).lRange(k.messages, 0, -1).execTyped()
      if (hash.updatedAt === undefined) return undefined
      return { ...summary(id, hash), messages: messages.map((m) => JSON.parse(m) as UIMessage) }
    })
  }

  list({ limit = 50, offset = 0 }: { limit?: number; offset?: number } = {}): Promise<{ total: number; chats: ChatSummary[] }> {
    const start = Math.max(offset, 0)
    const stop = start + Math.min(Math.max(limit, 1), 1000) - 1
    return this.run(async (client, keys) => {
      const [total, entries] = await Promise.all([client.zCard(keys.byUpdated), client.zRangeWithScores(keys.byUpdated, start, stop)])
      const hashes = await Promise.all(entries.map((e) => client.hGetAll(keys.chat(e.value).meta)))
      const chats: ChatSummary[] = []
      entries.forEach((entry, i) => {
        const hash = hashes[i]!
        if (hash.updatedAt !== undefined) chats.push(summary(entry.value, hash))
        else forget(client, keys, entry.value, entry.score) // deleted, or a crash between the two steps
      })
      return { total: total - (entries.length - chats.length), chats }
    })
  }

  save(id: string, update: { messages: UIMessage[]; title?: string; moderation?: boolean }): Promise<void> {
    const now = Date.now()
    const title = update.title ?? titleFrom(update.messages)
    return this.run(async (client, keys, replicated) => {
      const k = keys.chat(id)
      const change = client
        .multi()
        .hSet(k.meta, { title, updatedAt: String(now), messageCount: String(update.messages.length) })
        .hSetNX(k.meta, 'createdAt', String(now))
      if (update.moderation === undefined) change.hSetNX(k.meta, 'moderation', '0')
      else change.hSet(k.meta, 'moderation', update.moderation ? '1' : '0')
      change.del([k.messages, k.texts])
      if (update.messages.length > 0) {
        change.rPush(
          k.messages,
          update.messages.map((m) => JSON.stringify(m)),
        )
        change.rPush(
          k.texts,
          update.messages.map((m) => JSON.stringify([m.id, m.role, messageText(m)] satisfies TextEntry)),
        )
      }
      await change.exec()
      await replicated(k.meta)
      // LT: a slower save that started earlier never moves the chat back in the listing.
      await client.zAdd(keys.byUpdated, { score: -now, value: id }, { comparison: 'LT' })
    })
  }

  setActiveStream(id: string, streamId: string | null, options: { expected?: string | null } = {}): Promise<boolean> {
    const expected = options.expected === undefined ? '' : encodeStreamId(options.expected)
    return this.run(async (client, keys) => {
      const changed = await client.setActiveStream([keys.chat(id).meta], [expected, encodeStreamId(streamId)])
      return changed === 1
    })
  }

  async search(query: string, { limit = 10, signal }: { limit?: number; signal?: AbortSignal } = {}): Promise<ChatSearchHit[]> {
    signal?.throwIfAborted()
    const words = queryWords(query)
    if (words.length === 0) return []
    const wanted = Math.min(Math.max(limit, 1), 100)
    return this.run(async (client, keys) => {
      const hits: ChatSearchHit[] = []
      for (let start = 0; start < SEARCH_MAX_CHATS && hits.length < wanted; start += SEARCH_PAGE) {
        const ids = await client.zRange(keys.byUpdated, start, Math.min(start + SEARCH_PAGE, SEARCH_MAX_CHATS) - 1)
        signal?.throwIfAborted()
        if (ids.length === 0) break
        const chats = ids.map((id) => keys.chat(id))
        const [metas, texts] = await Promise.all([
          Promise.all(chats.map((k) => client.hmGet(k.meta, ['title', 'updatedAt', 'customTitle']))),
          Promise.all(chats.map((k) => client.lRange(k.texts, 0, -1))),
        ])
        signal?.throwIfAborted()
        ids.forEach((chatId, i) => {
          const [autoTitle, updatedAt, customTitle] = metas[i]!
          const title = customTitle || autoTitle
          if (updatedAt == null) return // deleted since the index was read
          for (const entry of texts[i]!.toReversed()) {
            if (hits.length >= wanted) return
            const [messageId, role, text] = JSON.parse(entry) as TextEntry
            const lower = text.toLowerCase()
            if (!words.every((w) => lower.includes(w))) continue
            hits.push({
              chatId,
              title: title ?? '',
              messageId,
              role,
              snippet: snippetAround(text, words[0]!),
              updatedAt: Number(updatedAt),
            })
          }
        })
      }
      return hits
    })
  }

  rename(id: string, title: string | null): Promise<boolean> {
    return this.run(async (client, keys, replicated) => {
      const k = keys.chat(id)
      const changed = (await client.renameChat([k.meta], [title ?? ''])) === 1
      if (changed) await replicated(k.meta)
      return changed
    })
  }

  delete(id: string): Promise<boolean> {
    return this.run(async (client, keys) => {
      const k = keys.chat(id)
      const updated = await client.deleteChat([k.meta, k.messages, k.texts], [])
      if (typeof updated !== 'string' || updated === '') return false
      // Only if no save re-created the chat meanwhile (it would have moved the score).
      await client.zRemIfScore([keys.byUpdated], [id, String(-Number(updated))])
      return true
    })
  }
}

/** Drops an index entry whose chat is gone, unless a save re-created it meanwhile; best effort. */
function forget(client: RedisCommands, keys: ChatKeys, id: string, score: number): void {
  client.zRemIfScore([keys.byUpdated], [id, String(score)]).catch(() => undefined)
}
