import { consumeStream, createUIMessageStream, isToolUIPart, type UIMessageChunk } from 'ai'
import { auditRecord, writeAudit } from '@/lib/chat/audit'
import type { ChatMessage, ChatMetadata } from '@/lib/chat/messages'
import type { FilteredSentence } from '@/lib/chat/moderation'
import type { ChatStore } from '@/lib/chat/store'
import type { StreamWriter } from '@/lib/durable'

/** One UI message chunk in the SSE wire format `useChat` reads (as `JsonToSseTransformStream` writes it). */
export const sseFrame = (chunk: unknown) => `data: ${JSON.stringify(chunk)}\n\n`
export const SSE_DONE = 'data: [DONE]\n\n'

/**
 * An answer as stored once its generation has ended: nothing is left "streaming", and a tool
 * call cut short by Stop or an error is recorded as failed, so the conversation can continue
 * (a model prompt may not contain a tool call without a result).
 */
export function settle(message: ChatMessage): ChatMessage {
  const parts = message.parts.map((part): ChatMessage['parts'][number] => {
    if ((part.type === 'text' || part.type === 'reasoning') && part.state === 'streaming') return { ...part, state: 'done' }
    if (isToolUIPart(part) && (part.state === 'input-streaming' || part.state === 'input-available')) {
      const failed = { ...part, state: 'output-error', input: part.input ?? {}, errorText: 'Ended before the tool finished' }
      return failed as ChatMessage['parts'][number]
    }
    return part
  })
  return { ...message, parts }
}

/**
 * Appends text to a durable stream with group commit: what is written in one turn of the event
 * loop goes out as one append at the end of that turn (`setImmediate`), and whatever arrives while
 * an append is in flight is joined into the next one. A fast model (hundreds of tokens a second)
 * then costs a few appends, not one per token, and a follower still sees every byte in order.
 * Waiting for the end of the turn lets the asking client's copy of a chunk — written to its
 * socket in the same turn — leave before the append's synchronous work (SQLite, file) runs.
 */
export function coalescingWriter(writer: Pick<StreamWriter, 'write'>) {
  let pending = ''
  let flushing: Promise<void> | undefined
  let failure: unknown
  const flush = async () => {
    try {
      await new Promise((resolve) => setImmediate(resolve))
      while (pending && failure === undefined) {
        const data = pending
        pending = ''
        await writer.write(data)
      }
    } catch (error) {
      failure = error
    } finally {
      flushing = undefined
    }
  }
  return {
    write(text: string): void {
      pending += text
      flushing ??= flush()
    },
    /** Resolves once everything written so far is appended; rejects with the first append error. */
    async drain(): Promise<void> {
      while (flushing) await flushing
      if (failure !== undefined) throw failure
    },
  }
}

export interface RecordingContext {
  chatId: string
  generationId: string
  model: string
  startedAt: number
  messages: ChatMessage[]
  moderation: boolean
  filtered: FilteredSentence[]
  store: ChatStore
  /** The generation's durable stream: every chunk is appended as it is produced. */
  durable: StreamWriter
}

/**
 * The server's copy of a generation, read from its own branch of the chunk stream: each chunk
 * goes to the durable stream as soon as it exists (so a reload or a second tab can replay and
 * follow it), and when the answer ends it is stored with the conversation and summarised in an
 * audit record. Never rejects; failures are logged.
 */
export async function recordGeneration(chunks: ReadableStream<UIMessageChunk<ChatMetadata>>, ctx: RecordingContext): Promise<void> {
  let answer: ChatMessage | undefined
  const out = coalescingWriter(ctx.durable)
  try {
    const written = chunks.pipeThrough(
      new TransformStream<UIMessageChunk<ChatMetadata>, UIMessageChunk<ChatMetadata>>({
        transform(chunk, controller) {
          out.write(sseFrame(chunk))
          controller.enqueue(chunk)
        },
        flush() {
          out.write(SSE_DONE)
        },
      }),
    )
    // The answer as the client builds it, kept once at the end (`readUIMessageStream` would
    // copy the whole message at every chunk: quadratic in the answer's length).
    const rebuilt = createUIMessageStream<ChatMessage>({
      execute: ({ writer }) => writer.merge(written),
      onFinish: ({ responseMessage }) => void (answer = responseMessage),
    })
    await consumeStream({ stream: rebuilt })
    await out.drain()
  } catch (error) {
    console.error('[sluice] chat generation could not be recorded', error)
  } finally {
    await ctx.durable.close().catch((error: unknown) => console.error('[sluice] could not close the generation stream', error))
  }
  try {
    if (answer) await ctx.store.save(ctx.chatId, { messages: [...ctx.messages, (answer = settle(answer))] })
    await writeAudit(
      auditRecord({
        chatId: ctx.chatId,
        generationId: ctx.generationId,
        model: ctx.model,
        startedAt: ctx.startedAt,
        prompt: ctx.messages.at(-1),
        answer,
        moderation: ctx.moderation,
        filtered: ctx.filtered,
      }),
    )
  } catch (error) {
    console.error('[sluice] chat generation could not be stored', error)
  }
}
