import type { UIMessage } from 'ai'
import { z } from 'zod'

/**
 * Where conversations live. Async and free of any backend's vocabulary, so an embedded
 * (SQLite) and a shared (Redis) implementation run the same contract suite
 * (`test/unit/chat/store.contract.ts`).
 */
export interface ChatStore {
  /** The chat with its messages, or `undefined` when there is none with that id. */
  get(id: string): Promise<Chat | undefined>
  /** Chats, most recently updated first. */
  list(options?: { limit?: number; offset?: number }): Promise<{ total: number; chats: ChatSummary[] }>
  /**
   * Creates the chat if needed and replaces its messages (a conversation is small; replacing
   * keeps edits and regenerations simple). The title is taken from the first user message
   * unless one is given.
   */
  save(id: string, update: { messages: UIMessage[]; title?: string; moderation?: boolean }): Promise<void>
  /**
   * Points the chat at the stream of its running generation (or `null` when none runs).
   * With `expected`, changes it only if it currently is `expected` (compare-and-set), so a
   * late stop or finish never clears a newer generation. Returns whether it changed.
   */
  setActiveStream(id: string, streamId: string | null, options?: { expected?: string | null }): Promise<boolean>
  /** Messages whose text contains every word of `query` (case-insensitive), newest first. */
  search(query: string, options?: { limit?: number; signal?: AbortSignal }): Promise<ChatSearchHit[]>
  /**
   * Gives the chat a title of its own, kept through later saves; `null` goes back to the title
   * taken from the first user message. Does not move the chat in the listing. `false` when there
   * is no such chat.
   */
  rename(id: string, title: string | null): Promise<boolean>
  /** Deletes the chat; `false` when there was none. */
  delete(id: string): Promise<boolean>
}

export interface ChatSummary {
  id: string
  title: string
  createdAt: number
  updatedAt: number
  messageCount: number
  /** Moderation while streaming is on for this chat. */
  moderation: boolean
  /** The durable stream of the generation running now, if any. */
  activeStreamId: string | null
}

export interface Chat extends ChatSummary {
  messages: UIMessage[]
}

export interface ChatSearchHit {
  chatId: string
  title: string
  messageId: string
  role: UIMessage['role']
  /** Up to ~160 characters of the message around the first match. */
  snippet: string
  updatedAt: number
}

/** Chat ids are chosen by the client (useChat), so they are checked: URL-safe, 1–64 characters. */
export const chatIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 characters of A–Z, a–z, 0–9, _ or -')

/** A title a person gives a chat: trimmed, on one line, 1–100 characters. */
export const chatTitleSchema = z
  .string()
  .transform((title) => title.replace(/\s+/g, ' ').trim())
  .pipe(z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters'))

/** The plain text of a message: its text parts joined, for titles and search. */
export function messageText(message: Pick<UIMessage, 'parts'>): string {
  return message.parts
    .flatMap((p) => (p.type === 'text' ? [p.text] : []))
    .join(' ')
    .trim()
}

/** A title from the first user message: its first line, at most 60 characters. */
export function titleFrom(messages: UIMessage[]): string {
  const first = messages.find((m) => m.role === 'user')
  const line = (first ? messageText(first) : '').split('\n')[0]!.trim()
  if (!line) return 'New chat'
  return line.length > 60 ? `${line.slice(0, 59).trimEnd()}…` : line
}

/** The words of a search query (lower-cased, at most 8, each at most 64 characters). */
export function queryWords(query: string): string[] {
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 8)
    .map((w) => w.slice(0, 64))
}

/** About 160 characters of `text` around the first occurrence of `word`. */
export function snippetAround(text: string, word: string): string {
  const at = Math.max(0, text.toLowerCase().indexOf(word))
  const start = Math.max(0, at - 60)
  const end = Math.min(text.length, at + 100)
  return `${start > 0 ? '…' : ''}${text.slice(start, end).replace(/\s+/g, ' ').trim()}${end < text.length ? '…' : ''}`
}
