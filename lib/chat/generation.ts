import { convertToModelMessages, generateId, isStepCount, isToolUIPart, readUIMessageStream, streamText, toUIMessageStream, type UIMessageChunk } from 'ai'
import { modelErrorText } from '@/lib/ai/errors'
import { chatModel } from '@/lib/ai/model'
import { chatTools, type ChatTools } from '@/lib/ai/tools'
import { openStream } from '@/lib/activity'
import { nextMessages, type ChatTurnRequest } from '@/lib/chat/conversation'
import type { ChatMessage, ChatMetadata } from '@/lib/chat/messages'
import { chatStore } from '@/lib/chat/sqlite-store'
import { stopSignals } from '@/lib/chat/stop-signals'
import { moderateText, modelJudge, ruleJudge, type FilteredSentence } from '@/lib/chat/moderation'
import { finalizeUIStream } from '@/lib/chat/ui-stream'
import { config } from '@/lib/config'
import { AppError } from '@/lib/errors'

const INSTRUCTIONS = `You are the assistant inside Sluice, an app that demonstrates streaming in web backends.
Answer concisely. Use the tools for anything they provide: currentTime for the time in a place,
calculate for arithmetic (never compute in your head), searchData to look through what this app has stored.`

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

/** A generation that has started: its UI message chunks for the caller, and its end. */
export interface Generation {
  id: string
  chatId: string
  /** The answer as UI message chunks, as they are produced. */
  chunks: ReadableStream<UIMessageChunk<ChatMetadata>>
  /** Resolves once the generation has ended and the conversation is stored (never rejects). */
  done: Promise<void>
}

/**
 * Starts answering a chat: stores the user's message, then runs the model with the tools,
 * step by step, independently of the request that asked (a reload or a closed tab does not
 * stop it; {@link stopSignals} does). When the answer ends — finished, stopped or failed —
 * the conversation is stored with the answer as far as it got.
 */
export async function startGeneration(chatId: string, request: ChatTurnRequest & { moderation?: boolean }): Promise<Generation> {
  const store = chatStore()
  const chat = await store.get(chatId)
  if (chat?.activeStreamId && (await stopSignals().isRunning(chat.activeStreamId))) {
    throw new AppError('conflict:generation', 'This chat is still answering: stop it or wait for it to finish')
  }
  const messages = nextMessages((chat?.messages ?? []) as ChatMessage[], request)
  await store.save(chatId, { messages, moderation: request.moderation })

  const id = `gen_${generateId()}`
  await store.setActiveStream(chatId, id)
  const stop = stopSignals().register(id)
  const release = openStream('generation')
  const { model, info } = chatModel()
  const c = config()
  const moderation = request.moderation ?? chat?.moderation ?? false
  const filtered: FilteredSentence[] = []
  const judge = info.provider === 'openai' ? modelJudge(model) : ruleJudge

  const result = streamText({
    model,
    instructions: INSTRUCTIONS,
    messages: await convertToModelMessages(messages),
    tools: chatTools({ chatId }),
    stopWhen: isStepCount(c.SLUICE_CHAT_MAX_STEPS),
    maxRetries: c.SLUICE_MODEL_MAX_RETRIES,
    abortSignal: stop.signal,
    experimental_transform: moderation ? moderateText(judge, { signal: stop.signal, onFiltered: (f) => filtered.push(f) }) : undefined,
  })

  const chunks = finalizeUIStream(
    toUIMessageStream<ChatTools, ChatMessage>({
      stream: result.stream,
      originalMessages: messages,
      generateMessageId: () => `msg_${generateId()}`,
      onError: modelErrorText,
      messageMetadata: ({ part }): ChatMetadata | undefined => {
        if (part.type === 'start') return { model: info.label, createdAt: Date.now() }
        if (part.type === 'finish') {
          const { inputTokens, outputTokens, totalTokens } = part.totalUsage
          const usage = { inputTokens, outputTokens, totalTokens }
          return { finishReason: part.finishReason, usage, ...(moderation ? { moderation: { filtered: filtered.length } } : {}) }
        }
        return undefined
      },
    }),
    modelErrorText,
  )
  const [forCaller, forStore] = chunks.tee()

  const done = (async () => {
    try {
      let answer: ChatMessage | undefined
      for await (const message of readUIMessageStream<ChatMessage>({ stream: forStore })) answer = message
      if (answer) await store.save(chatId, { messages: [...messages, settle(answer)] })
    } catch (error) {
      console.error('[sluice] chat generation could not be stored', error)
    } finally {
      stop.release()
      release()
      await store.setActiveStream(chatId, null, { expected: id }).catch(() => {})
    }
  })()

  return { id, chatId, chunks: forCaller, done }
}
