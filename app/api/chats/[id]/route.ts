import { deleteChat, getChat, renameChat } from '@/lib/chat/control'
import { chatIdSchema } from '@/lib/chat/store'
import { json, parseJsonBody, parseWith, route } from '@/lib/http'
import { renameChatBody } from '../schema'

export const dynamic = 'force-dynamic'

type Context = { params: Promise<{ id: string }> }
const chatId = async (context: Context) => parseWith(chatIdSchema, (await context.params).id, 'chat_id')

/** One chat with its messages. */
export const GET = route('GET /api/chats/[id]', async (_request, context: Context) => json(await getChat(await chatId(context))))

/** Renames a chat: `{ "title": "…" }` (1–100 characters), or `{ "title": null }` to go back to the automatic title. */
export const PATCH = route('PATCH /api/chats/[id]', async (request, context: Context) => {
  const id = await chatId(context)
  const { title } = await parseJsonBody(request, renameChatBody)
  return json(await renameChat(id, title))
})

/** Deletes a chat and its answer streams (refused with 409 while it is answering). */
export const DELETE = route('DELETE /api/chats/[id]', async (_request, context: Context, access) => {
  const id = await chatId(context)
  for (const stream of await deleteChat(id)) await access.release('stream', stream)
  await access.release('chat', id)
  return new Response(null, { status: 204 })
})
