import { AppError } from '@/lib/errors'
import type { ChatMessage } from '@/lib/chat/messages'

/** What a client asks for: a new (or edited) user message, or a new answer to the last one. */
export type ChatTurnRequest =
  { trigger: 'submit-message'; message: ChatMessage; messageId?: string } | { trigger: 'regenerate-message'; messageId?: string }

/**
 * The conversation the model should answer, from the stored one and the request:
 * - submit: appends the user message; if its id is already there (an edit, or a retry of a
 *   message whose answer failed), everything from that message on is replaced;
 * - regenerate: drops the answer after the last user message (or from `messageId` on).
 * The result always ends with a user message.
 */
export function nextMessages(stored: readonly ChatMessage[], request: ChatTurnRequest): ChatMessage[] {
  if (request.trigger === 'submit-message') {
    const id = request.messageId ?? request.message.id
    const at = stored.findIndex((m) => m.id === id)
    if (at !== -1 && stored[at]!.role !== 'user') {
      throw new AppError('bad_request:message_id', `Message ${id} is not a user message`)
    }
    const kept = at === -1 ? stored : stored.slice(0, at)
    return [...kept, { ...request.message, id }]
  }

  let end = stored.length
  if (request.messageId !== undefined) {
    const at = stored.findIndex((m) => m.id === request.messageId)
    if (at === -1) throw new AppError('not_found:message', `No message ${request.messageId} in this chat`)
    end = stored[at]!.role === 'user' ? at + 1 : at
  }
  while (end > 0 && stored[end - 1]!.role !== 'user') end--
  if (end === 0) throw new AppError('bad_request:regenerate', 'There is no user message to answer')
  return stored.slice(0, end)
}
