import { convertToModelMessages, generateId, isStepCount, streamText, toUIMessageStream, type UIMessageChunk } from 'ai'
import { chatModel, chatTools, type ChatTools, modelErrorText } from '@/lib/ai'
import { openStream } from '@/lib/activity'
import { nextMessages, type ChatTurnRequest } from '@/lib/chat/conversation'
import type { ChatMessage, ChatMetadata } from '@/lib/chat/messages'
import { moderateText, modelJudge, ruleJudge, type FilteredSentence } from '@/lib/chat/moderation'
import { recordGeneration } from '@/lib/chat/recorder'
import { searchStoredData } from '@/lib/chat/search'
import { chatStore } from '@/lib/chat/instance'
import { finalizeUIStream } from '@/lib/chat/ui-stream'
import { config } from '@/lib/config'
import { streams, type StreamWriter } from '@/lib/durable'
import { AppError } from '@/lib/errors'
import { stopSignals } from '@/lib/stop-signals'

const INSTRUCTIONS = `You are the assistant inside Sluice, an app that demonstrates streaming in web backends.
Answer concisely. Use the tools for anything they provide: currentTime for the time in a place,
calculate for arithmetic (never compute in your head), searchData to look through what this app has stored.`

/** The key of a chat's running generation in the stop registry (one generation per chat). */
export const generationKey = (chatId: string) => `chat:${chatId}`

/** Namespace of the durable streams generations are written to. */
export const GENERATION_NAMESPACE = 'chat'
/** Generation streams are kept a day: long enough to reload, share or inspect an answer. */
const GENERATION_TTL_SECONDS = 86_400

/** A generation that has started: its UI message chunks for the caller, and its end. */
export interface Generation {
  /** The id of its durable stream (`chat/<token>`). */
  id: string
  chatId: string
  /** The answer as UI message chunks, as they are produced. */
  chunks: ReadableStream<UIMessageChunk<ChatMetadata>>
  /** Resolves once the generation has ended and is stored (never rejects). */
  done: Promise<void>
}

/**
 * Starts answering a chat: commits the chat with the user's message, then runs the model with the tools,
 * step by step, independently of the request that asked (a reload or a closed tab does not
 * stop it; {@link stopSignals}, keyed by the chat id, does, from any instance). Every chunk is written to a durable stream as it is
 * produced; when the answer ends — finished, stopped or failed — the conversation is stored
 * with the answer as far as it got, and an audit record is written.
 */
export async function startGeneration(chatId: string, request: ChatTurnRequest & { moderation?: boolean }): Promise<Generation> {
  const store = chatStore()
  const chat = await store.get(chatId)
  const messages = nextMessages((chat?.messages ?? []) as ChatMessage[], request)
  const moderation = request.moderation ?? chat?.moderation ?? false
  // Registering is the "one answer at a time" check: atomic, and it gives Stop its handle.
  const stop = await stopSignals().register(generationKey(chatId))
  if (!stop) throw new AppError('conflict:generation', 'This chat is still answering: stop it or wait for it to finish')

  const { model, info } = chatModel()
  const startedAt = Date.now()
  const c = config()
  const filtered: FilteredSentence[] = []
  const judge = info.provider === 'openai' ? modelJudge(model) : ruleJudge
  let durable: StreamWriter
  let result: ReturnType<typeof streamText<ChatTools>>
  try {
    // The chat and the user's message are committed before anything of the answer exists: a
    // generation stream (or an acknowledged answer) never outlives its chat, even after a crash.
    await store.save(chatId, { messages, moderation })
    // The model call starts here; creating the durable stream happens while it works on its
    // first token, so it adds nothing to the time to first token.
    result = streamText({
      model,
      instructions: INSTRUCTIONS,
      messages: await convertToModelMessages(messages),
      tools: chatTools({ search: (query, { signal }) => searchStoredData(query, { signal, excludeChatId: chatId }) }),
      stopWhen: isStepCount(c.SLUICE_CHAT_MAX_STEPS),
      maxRetries: c.SLUICE_MODEL_MAX_RETRIES,
      abortSignal: stop.signal,
      experimental_transform: moderation ? moderateText(judge, { signal: stop.signal, onFiltered: (f) => filtered.push(f) }) : undefined,
    })
    durable = await streams.create(GENERATION_NAMESPACE, {
      contentType: 'text/event-stream',
      metadata: { chatId, model: info.label },
      ttl: GENERATION_TTL_SECONDS,
    })
    await store.setActiveStream(chatId, durable.id)
  } catch (error) {
    await stopSignals()
      .stop(generationKey(chatId), 'The generation could not be set up')
      .catch(() => false)
    await stop.release()
    throw error
  }
  const id = durable.id
  const release = openStream('generation')

  const chunks = finalizeUIStream(
    toUIMessageStream<ChatTools, ChatMessage>({
      stream: result.stream,
      originalMessages: messages,
      generateMessageId: () => `msg_${generateId()}`,
      onError: modelErrorText,
      messageMetadata: ({ part }): ChatMetadata | undefined => {
        if (part.type === 'start') return { model: info.label, createdAt: startedAt }
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
  const [forCaller, forRecord] = chunks.tee()

  const done = recordGeneration(forRecord, {
    chatId,
    generationId: id,
    model: info.label,
    startedAt,
    messages,
    moderation,
    filtered,
    store,
    durable,
  }).finally(async () => {
    await stop.release()
    release()
    await store.setActiveStream(chatId, null, { expected: id }).catch(() => {})
  })

  return { id, chatId, chunks: forCaller, done }
}
