import { z } from 'zod'
import { flag } from '@/lib/contract'

export const wordsQuery = z.strictObject({
  count: z.coerce.number().int().min(1).max(10_000).default(40),
  delay: z.coerce.number().int().min(0).max(10_000).default(150),
  /** `stamp=1`: each token is followed by `@<production time in epoch ms>\n` (for the benchmark). */
  stamp: flag.default(false),
})
