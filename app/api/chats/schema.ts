import { z } from 'zod'
import { chatTitleSchema } from '@/lib/chat'
import { paging } from '@/lib/contract'

/** `GET /api/chats?limit=&offset=` (limit 1–1000, default 50) */
export const listChatsQuery = z.strictObject(paging(50))

/** `PATCH /api/chats/<id>` `{ "title": "…" }`, or `{ "title": null }` for the title from the first message. */
export const renameChatBody = z.strictObject({ title: chatTitleSchema.nullable() })
