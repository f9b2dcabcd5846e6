import { ownerStore } from '@/lib/access'
import type { StoredDataHit, StoredDataResult } from '@/lib/ai'
import { chatStore } from '@/lib/chat/instance'

/** Matches looked at before keeping the asking visitor's own: the search never reads past them. */
const CANDIDATES = 200

/**
 * The chat model's `searchData` tool's work (handed to `chatTools()` by the generation, so `lib/ai`
 * never imports the chat): searches what this Sluice instance has stored — past
 * conversations (except the one asking) — for messages containing every word of `query`.
 * With `excludeChatId` (the chat asking), only the chats of that chat's owner are searched: a
 * visitor's model never sees another visitor's conversations (docs/security.md); a chat nobody
 * owns sees none. Honours `signal` between sources, so a stopped generation does not keep searching.
 */
export async function searchStoredData(
  query: string,
  options: { limit?: number; signal?: AbortSignal; excludeChatId?: string } = {},
): Promise<StoredDataResult> {
  const limit = options.limit ?? 5
  options.signal?.throwIfAborted()
  const asking = options.excludeChatId
  const owner = asking === undefined ? undefined : ((await ownerStore().ownerOf('chat', asking)) ?? null)
  const found = await chatStore().search(query, { limit: owner === undefined ? limit + 1 : CANDIDATES, signal: options.signal })
  options.signal?.throwIfAborted()
  const others = found.filter((h) => h.chatId !== asking)
  const owners = owner === undefined ? [] : await Promise.all(others.map((h) => ownerStore().ownerOf('chat', h.chatId)))
  const hits: StoredDataHit[] = others
    .filter((_, i) => owner === undefined || owners[i] === owner)
    .map((h) => ({
      source: 'chat',
      title: h.title,
      snippet: h.snippet,
      url: `/chat/${encodeURIComponent(h.chatId)}`,
    }))
  return { query, total: hits.length, hits: hits.slice(0, limit) }
}
