import type { UIMessage } from 'ai'
import type { ErrorBody } from '@/lib/errors'

/** What the server attaches to an assistant message (sent in the stream and stored with it). */
export interface ChatMetadata {
  /** Who answered, in words (e.g. `Offline model (sluice-offline-1, …)`). */
  model?: string
  createdAt?: number
  finishReason?: string
  usage?: { inputTokens?: number; outputTokens?: number; totalTokens?: number }
  /** The error that ended the answer early, in the app's error shape. */
  error?: ErrorBody['error']
  /** Set when the user stopped the answer. */
  stopped?: boolean
  /** Moderation while streaming: how many sentences were replaced with `[Content filtered]`. */
  moderation?: { filtered: number }
}

/** A chat message as Sluice stores and renders it. */
export type ChatMessage = UIMessage<ChatMetadata>

/** The transient data part that ends an answer's response at its lifetime (`reconnectPart()` in `ui-stream.ts`). */
export const RECONNECT_PART = 'data-reconnect'

/** The text a moderated sentence is replaced with. */
export const FILTERED = '[Content filtered]'

/**
 * Reads an error a client received (a UI `error` chunk's text, or an HTTP error body) back into
 * the app's error shape; plain text becomes `internal:unknown`. Safe in the browser.
 */
export function parseErrorText(text: string): ErrorBody['error'] {
  try {
    const body = JSON.parse(text) as Partial<ErrorBody>
    if (body.error && typeof body.error.code === 'string' && typeof body.error.message === 'string') return body.error
  } catch {
    // plain text
  }
  return { code: 'internal:unknown', message: text || 'Something went wrong' }
}
