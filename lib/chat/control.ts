import { chatStore } from '@/lib/chat/instance'
import { GENERATION_NAMESPACE, generationKey } from '@/lib/chat/generation'
import type { Chat, ChatSummary } from '@/lib/chat/store'
import { config } from '@/lib/config'
import { AppError, isAppError } from '@/lib/errors'
import { iterableToStream } from '@/lib/stream'
import { streams } from '@/lib/durable'
import { stopSignals } from '@/lib/stop-signals'

/**
 * Stops the chat's running generation through the stop registry: the abort reaches the model
 * call and any running tool; the answer so far is kept and stored. Idempotent.
 */
export async function stopGeneration(chatId: string): Promise<{ stopped: boolean; generationId: string | null }> {
  const chat = await chatStore().get(chatId)
  if (!chat) throw new AppError('not_found:chat', `No chat ${chatId}`)
  const stopped = await stopSignals().stop(generationKey(chatId))
  return { stopped, generationId: stopped ? chat.activeStreamId : null }
}

/** The chat, or `not_found:chat`. */
export async function getChat(chatId: string) {
  const chat = await chatStore().get(chatId)
  if (!chat) throw new AppError('not_found:chat', `No chat ${chatId}`)
  return chat
}

/** A chat without its messages. */
const summaryOf = (chat: Chat): ChatSummary => ({
  id: chat.id,
  title: chat.title,
  createdAt: chat.createdAt,
  updatedAt: chat.updatedAt,
  messageCount: chat.messageCount,
  moderation: chat.moderation,
  activeStreamId: chat.activeStreamId,
})

/** Renames the chat (`null`: back to the title from its first message), or `not_found:chat`. */
export async function renameChat(chatId: string, title: string | null): Promise<ChatSummary> {
  if (!(await chatStore().rename(chatId, title))) throw new AppError('not_found:chat', `No chat ${chatId}`)
  const chat = await getChat(chatId)
  return summaryOf(chat)
}

/**
 * Deletes a chat that is not answering, and the durable streams of its answers (its audit
 * records stay, for the operator). Returns the ids of the streams deleted.
 */
export async function deleteChat(chatId: string): Promise<string[]> {
  await getChat(chatId) // 404 for an unknown chat
  if (await stopSignals().isRunning(generationKey(chatId))) {
    throw new AppError('conflict:generation', 'This chat is still answering: stop it first')
  }
  await chatStore().delete(chatId)
  const deleted: string[] = []
  for (;;) {
    const { streams: answers } = await streams.list({ namespace: GENERATION_NAMESPACE, metadata: { chatId }, limit: 1000 })
    if (answers.length === 0 || answers.every((answer) => deleted.includes(answer.id))) return deleted
    for (const answer of answers) {
      await streams.delete(answer.id).catch((error: unknown) => {
        if (!(isAppError(error) && error.code === 'not_found:stream')) throw error
      })
      deleted.push(answer.id)
    }
  }
}

/** The chats with these ids that still exist, most recently updated first, paged: `{ total, chats }`. */
export async function listChats(
  ids: readonly string[],
  page: { limit: number; offset: number },
): Promise<{ total: number; chats: ChatSummary[] }> {
  const found = await Promise.all(ids.map((id) => chatStore().get(id)))
  const chats = found
    .filter((chat) => chat !== undefined)
    .map(summaryOf)
    .sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id))
  return { total: chats.length, chats: chats.slice(page.offset, page.offset + page.limit) }
}

/**
 * A chat's answer replayed from the start of its durable stream and followed live until it
 * ends — without calling the model again. Without `generationId` it is the running answer
 * (`undefined` when none runs). With one — the generation a page saw running when it was
 * rendered — that generation is replayed even if it has finished since, so a page never misses
 * an answer that ended between rendering and reattaching. The bytes are the UI message stream
 * exactly as the generation wrote it; `generationId` says which generation they are.
 */
export async function resumeGeneration(
  chatId: string,
  signal: AbortSignal,
  generationId?: string,
): Promise<{ body: ReadableStream<Uint8Array>; generationId: string } | undefined> {
  const chat = await getChat(chatId)
  const id = generationId ?? chat.activeStreamId
  if (!id) return undefined
  if (generationId !== undefined) {
    const info = await streams.get(generationId).catch(() => undefined)
    if (info?.metadata.chatId !== chatId) throw new AppError('not_found:generation', `No generation ${generationId} in chat ${chatId}`)
  }
  // The writer is alive while the chat's generation runs and is this one.
  const writerAlive = async () =>
    (await stopSignals().isRunning(generationKey(chatId))) && (await chatStore().get(chatId))?.activeStreamId === id
  try {
    // Rechecked at least once per stop lease: a writer whose instance died is noticed within about two leases.
    const recheckMs = Math.min(10_000, config().SLUICE_STOP_LEASE_MS)
    const follow = streams.follow(id, { signal, keepWaiting: writerAlive, waitMs: () => recheckMs })
    // Look at the first chunk before answering, so a stream that is already gone is a 204.
    const first = await follow.next()
    if (first.done) return undefined
    const body = iterableToStream(
      (async function* () {
        yield first.value
        yield* follow
      })(),
      { signal },
    )
    return { body, generationId: id }
  } catch (error) {
    if (isAppError(error) && error.code === 'not_found:stream') {
      await chatStore().setActiveStream(chatId, null, { expected: id })
      return undefined
    }
    throw error
  }
}
