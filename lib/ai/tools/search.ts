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
 * What the `searchData` tool runs: a search of the app's stored data, handed in by whoever builds
 * the tools (the chat passes `searchStoredData` from `lib/chat/search.ts`, scoped to the asking
 * chat's owner), so the model layer does not depend on the chat that uses it.
 */
export type StoredDataSearch = (query: string, options: { signal?: AbortSignal }) => Promise<StoredDataResult>
