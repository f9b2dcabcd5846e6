import { z } from 'zod'
import { flag } from '@/lib/contract'

export const exportQuery = z.strictObject({
  format: z.enum(['csv', 'ndjson']).default('csv'),
  gzip: flag.default(false),
  limit: z.coerce.number<number>().int().positive().optional(),
})
