import { chatStore } from '@/lib/chat/sqlite-store'
import { stopSignals } from '@/lib/chat/stop-signals'
import { AppError } from '@/lib/errors'

/**
 * Stops the chat's running generation through the stop registry: the abort reaches the model
 * call and any running tool; the answer so far is kept and stored. Idempotent.
 */
export async function stopGeneration(chatId: string): Promise<{ stopped: boolean; generationId: string | null }> {
  const chat = await chatStore().get(chatId)
  if (!chat) throw new AppError('not_found:chat', `No chat ${chatId}`)
  const generationId = chat.activeStreamId
  const stopped = generationId ? await stopSignals().stop(generationId) : false
  return { stopped, generationId }
}

/** The chat, or `not_found:chat`. */
export async function getChat(chatId: string) {
  const chat = await chatStore().get(chatId)
  if (!chat) throw new AppError('not_found:chat', `No chat ${chatId}`)
  return chat
}

/** Deletes a chat that is not answering. */
export async function deleteChat(chatId: string): Promise<void> {
  const chat = await getChat(chatId)
  if (chat.activeStreamId && (await stopSignals().isRunning(chat.activeStreamId))) {
    throw new AppError('conflict:generation', 'This chat is still answering: stop it first')
  }
  await chatStore().delete(chatId)
}
