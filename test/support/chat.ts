import type { UIMessageChunk } from 'ai'
import { readSse } from '@/lib/stream/client'

/**
 * The chat API from a test's side: send a message, read the UI message chunks of the answer.
 * Shared by the chat's and the scale-out's integration tests.
 */
export type Chunk = UIMessageChunk<Record<string, unknown>>

let messages = 0

/** Sends `text` as a new user message in chat `chatId` (`POST /api/chat`), as the visitor of `fetcher`. */
export function askChat(baseUrl: string, chatId: string, text: string, fetcher: typeof fetch = fetch): Promise<Response> {
  return fetcher(`${baseUrl}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: chatId,
      trigger: 'submit-message',
      message: { id: `u-${++messages}`, role: 'user', parts: [{ type: 'text', text }] },
    }),
  })
}

/** Reads UI message chunks until `[DONE]`; `until` stops early (the rest stays unread). */
export async function readChunks(response: Response, until?: (chunks: Chunk[]) => boolean): Promise<Chunk[]> {
  const chunks: Chunk[] = []
  for await (const event of readSse(response)) {
    if (event.data === '[DONE]') break
    chunks.push(JSON.parse(event.data) as Chunk)
    if (until?.(chunks)) break
  }
  return chunks
}

/** The answer's text: its text deltas joined. */
export const chunkText = (chunks: Chunk[]) => chunks.flatMap((c) => (c.type === 'text-delta' ? [c.delta] : [])).join('')

/** An `until` for {@link readChunks}: stop after `k` text deltas. */
export const deltas = (k: number) => (chunks: Chunk[]) => chunks.filter((c) => c.type === 'text-delta').length >= k
