import { chatStore } from '@/lib/chat/instance'

/** One thing Sluice has stored that matches a search. */
export interface StoredDataHit {
  source: 'chat'
  title: string
  snippet: string
  /** Where to open it in the app. */
  url: string
}

export interface StoredDataResult {
  query: string
  total: number
  hits: StoredDataHit[]
}

/**
 * The `searchData` tool's work: searches what this Sluice instance has stored — past
 * conversations (except the one asking) — for messages containing every word of `query`.
 * Honours `signal` between sources, so a stopped generation does not keep searching.
 */
export async function searchStoredData(
  query: string,
  options: { limit?: number; signal?: AbortSignal; excludeChatId?: string } = {},
): Promise<StoredDataResult> {
  const limit = options.limit ?? 5
  options.signal?.throwIfAborted()
  const chats = await chatStore().search(query, { limit: limit + 1, signal: options.signal })
  options.signal?.throwIfAborted()
  const hits: StoredDataHit[] = chats
    .filter((h) => h.chatId !== options.excludeChatId)
    .map((h) => ({
    source: 'chat',
    title: h.title,
    snippet: h.snippet,
    url: `/chat/${encodeURIComponent(h.chatId)}`,
  }))
  return { query, total: hits.length, hits: hits.slice(0, limit) }
}
