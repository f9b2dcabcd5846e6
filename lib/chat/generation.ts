import { convertToModelMessages, generateId, isStepCount, streamText, toUIMessageStream, type UIMessageChunk } from 'ai'
import { chatModel, chatTools, type ChatTools, modelErrorText, modelTelemetry } from '@/lib/ai'
import { openStream } from '@/lib/activity'
import { nextMessages, type ChatTurnRequest } from '@/lib/chat/conversation'
import type { ChatMessage, ChatMetadata } from '@/lib/chat/messages'
import { moderateText, modelJudge, ruleJudge, type FilteredSentence } from '@/lib/chat/moderation'
import { recordGeneration } from '@/lib/chat/recorder'
import { searchStoredData } from '@/lib/chat/search'
import { chatStore } from '@/lib/chat/instance'
import { type ChatTiming, timedModel } from '@/lib/chat/timing'
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
 * Starts answering a chat: starts the model with the tools and, while it works on its first token,
 * commits the chat with the user's message and creates the answer's durable stream; runs the model
 * step by step, independently of the request that asked (a reload or a closed tab does not
 * stop it; {@link stopSignals}, keyed by the chat id, does, from any instance). Every chunk is written to a durable stream as it is
 * produced; when the answer ends — finished, stopped or failed — the conversation is stored
 * with the answer as far as it got, and an audit record is written.
 */
export async function startGeneration(
  chatId: string,
  request: ChatTurnRequest & { moderation?: boolean },
  timing?: ChatTiming,
): Promise<Generation> {
  const store = chatStore()
  const chat = await store.get(chatId)
  const messages = nextMessages((chat?.messages ?? []) as ChatMessage[], request)
  const moderation = request.moderation ?? chat?.moderation ?? false
  timing?.mark('load')
  // Registering is the "one answer at a time" check: atomic, and it gives Stop its handle.
  const stop = await stopSignals().register(generationKey(chatId))
  if (!stop) throw new AppError('conflict:generation', 'This chat is still answering: stop it or wait for it to finish')
  timing?.mark('register')

  const chosen = chatModel()
  const info = chosen.info
  const model = timing ? timedModel(chosen.model, timing) : chosen.model
  const startedAt = Date.now()
  const c = config()
  const filtered: FilteredSentence[] = []
  const judge = info.provider === 'openai' ? modelJudge(model) : ruleJudge
  let durable: StreamWriter
  let result: ReturnType<typeof streamText<ChatTools>>
  try {
    // The model call starts first: a model takes a while to its first token (4 × its pace offline,
    // hundreds of ms for a hosted one), and everything below happens in that time instead of
    // before it. The request has been checked (ownership, one answer at a time) already; nothing of
    // the answer can reach anyone before this function returns, which is after the set-up below.
    result = streamText({
      model,
      instructions: INSTRUCTIONS,
      messages: await timed(convertToModelMessages(messages), timing, 'convert'),
      tools: chatTools({ search: (query, { signal }) => searchStoredData(query, { signal, excludeChatId: chatId }) }),
      stopWhen: isStepCount(c.SLUICE_CHAT_MAX_STEPS),
      maxRetries: c.SLUICE_MODEL_MAX_RETRIES,
      abortSignal: stop.signal,
      telemetry: modelTelemetry(),
      experimental_transform: moderation ? moderateText(judge, { signal: stop.signal, onFiltered: (f) => filtered.push(f) }) : undefined,
    })
    timing?.mark('stream-text')
    // The AI SDK prepares the call (prompt, tools) in microtasks: let it reach the model before
    // the set-up's synchronous work (SQLite, files) takes the thread.
    await new Promise((resolve) => setImmediate(resolve))
    timing?.mark('yield')
    // The chat and the user's message are committed before anything of the answer exists: a
    // generation stream (or an acknowledged answer) never outlives its chat, even after a crash.
    await store.save(chatId, { messages, moderation })
    timing?.mark('save')
    durable = await streams.create(GENERATION_NAMESPACE, {
      contentType: 'text/event-stream',
      metadata: { chatId, model: info.label },
      ttl: GENERATION_TTL_SECONDS,
    })
    timing?.mark('durable')
    await store.setActiveStream(chatId, durable.id)
    timing?.mark('active')
  } catch (error) {
    // Aborts the model call if it started, and frees the chat for its next message.
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

async function timed<T>(work: Promise<T>, timing: ChatTiming | undefined, stage: string): Promise<T> {
  const value = await work
  timing?.mark(stage)
  return value
}
