import { chatIdSchema, deleteChat, getChat } from '@/lib/chat'
import { json, parseWith, route } from '@/lib/http'

export const dynamic = 'force-dynamic'

type Context = RouteContext<'/api/chats/[id]'>
const chatId = async (context: Context) => parseWith(chatIdSchema, (await context.params).id, 'chat_id')

/** One chat with its messages. */
export const GET = route('GET /api/chats/[id]', async (_request, context: Context) => json(await getChat(await chatId(context))))

/** Deletes a chat and its answer streams (refused with 409 while it is answering). */
export const DELETE = route('DELETE /api/chats/[id]', async (_request, context: Context, access) => {
  const id = await chatId(context)
  for (const stream of await deleteChat(id)) await access.release('stream', stream)
  await access.release('chat', id)
  return new Response(null, { status: 204 })
})
