import { z } from 'zod'

export const wordsQuery = z.strictObject({
  count: z.coerce.number().int().min(1).max(10_000).default(40),
  delay: z.coerce.number().int().min(0).max(10_000).default(150),
  /** `stamp=1`: each token is followed by `@<production time in epoch ms>\n` (for the benchmark). */
  stamp: z.enum(['0', '1', 'true', 'false']).default('0').transform((v) => v === '1' || v === 'true'),
})
