import { deleteChat, getChat } from '@/lib/chat/control'
import { chatIdSchema } from '@/lib/chat/store'
import { json, parseWith, route } from '@/lib/http'

export const dynamic = 'force-dynamic'

type Context = { params: Promise<{ id: string }> }
const chatId = async (context: Context) => parseWith(chatIdSchema, (await context.params).id, 'chat_id')

/** One chat with its messages. */
export const GET = route(async (_request, context: Context) => json(await getChat(await chatId(context))))

/** Deletes a chat (refused with 409 while it is answering). */
export const DELETE = route(async (_request, context: Context) => {
  await deleteChat(await chatId(context))
  return new Response(null, { status: 204 })
})
