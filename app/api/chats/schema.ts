import { z } from 'zod'

/** `GET /api/chats?limit=&offset=` */
export const listChatsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
})
