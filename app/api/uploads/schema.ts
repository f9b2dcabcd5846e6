import { z } from 'zod'

/** `POST /api/uploads`: announce an upload before sending it (the name is checked in `lib/uploads/names.ts`). */
export const createUploadBody = z.object({
  name: z.string(),
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
})
