import type { UIMessageChunk } from 'ai'
import { parseErrorText, RECONNECT_PART, type ChatMetadata } from '@/lib/chat/messages'
import { formatSse, reconnectEvent } from '@/lib/stream'

type Chunk = UIMessageChunk<ChatMetadata>

/**
 * Makes a UI message stream end with data, never with a broken connection, and records how it
 * ended in the message metadata:
 * - an `error` chunk (or an error thrown by the source, e.g. a provider connection that broke
 *   mid-answer) is preceded by `message-metadata` `{ error }`, and the stream then closes;
 * - an `abort` chunk (the user pressed Stop) is preceded by `message-metadata` `{ stopped: true }`.
 * Clients and the stored message therefore see the same ending, and the partial text stays.
 */
export function finalizeUIStream(source: ReadableStream<Chunk>, toErrorText: (error: unknown) => string): ReadableStream<Chunk> {
  const reader = source.getReader()
  let closed = false
  return new ReadableStream<Chunk>({
    async pull(controller) {
      if (closed) return
      try {
        const { value, done } = await reader.read()
        if (done) {
          closed = true
          controller.close()
          return
        }
        if (value.type === 'error') {
          controller.enqueue({ type: 'message-metadata', messageMetadata: { error: parseErrorText(value.errorText) } })
        } else if (value.type === 'abort') {
          controller.enqueue({ type: 'message-metadata', messageMetadata: { stopped: true } })
        }
        controller.enqueue(value)
      } catch (error) {
        const errorText = toErrorText(error)
        controller.enqueue({ type: 'message-metadata', messageMetadata: { error: parseErrorText(errorText) } })
        controller.enqueue({ type: 'error', errorText })
        closed = true
        controller.close()
      }
    },
    async cancel(reason) {
      closed = true
      await reader.cancel(reason)
    },
  })
}

/**
 * The last event of an answer's response (`POST /api/chat` or the follow) that reached its
 * lifetime (`SLUICE_STREAM_LIFETIME_MS`): a transient data part — `useChat` hands it to `onData`
 * and keeps it out of the message — naming the generation to follow. The page then reattaches
 * (`GET /api/chat/:id/stream?generation=<id>`): a full replay, which the AI SDK turns into the
 * same message (`resumeStreamIsReplay`), so nothing is missing and nothing is shown twice.
 */
export function reconnectPart(generationId: string): string {
  const { data } = reconnectEvent(undefined, { generation: generationId })
  return formatSse({ data: { type: RECONNECT_PART, data, transient: true } })
}
