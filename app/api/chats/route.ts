import { listChatsQuery } from '@/app/api/chats/schema'
import { chatStore, listChats } from '@/lib/chat'
import { json, parseQuery, route } from '@/lib/http'

export const dynamic = 'force-dynamic'

/** The caller's chats (the operator's: all), most recent first: `{ total, chats }`. */
export const GET = route('GET /api/chats', async (request, _context, access) => {
  const query = parseQuery(request, listChatsQuery)
  const mine = await access.mine('chat', { limit: 1000 })
  return json(mine === 'all' ? await chatStore().list(query) : await listChats(mine.ids, query))
})
