import { z } from 'zod'

export const wordsQuery = z.strictObject({
  count: z.coerce.number().int().min(1).max(10_000).default(40),
  delay: z.coerce.number().int().min(0).max(10_000).default(150),
})
