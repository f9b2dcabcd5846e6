import { z } from 'zod'
import { paging } from '@/lib/contract'

/** `GET /api/chats?limit=&offset=` (limit 1–1000, default 50) */
export const listChatsQuery = z.strictObject(paging(50))
