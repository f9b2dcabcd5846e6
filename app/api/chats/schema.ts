import { z } from 'zod'
import { chatTitleSchema } from '@/lib/chat/store'

/** `GET /api/chats?limit=&offset=` */
export const listChatsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
})

/** `PATCH /api/chats/<id>` `{ "title": "…" }`, or `{ "title": null }` for the title from the first message. */
export const renameChatBody = z.strictObject({ title: chatTitleSchema.nullable() })
