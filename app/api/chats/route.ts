import { listChatsQuery } from '@/app/api/chats/schema'
import { chatStore } from '@/lib/chat/instance'
import { json, parseQuery, route } from '@/lib/http'

export const dynamic = 'force-dynamic'

/** Past chats, most recent first: `{ total, chats }`. */
export const GET = route(async (request) => json(await chatStore().list(parseQuery(request, listChatsQuery))))
