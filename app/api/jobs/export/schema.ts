import { z } from 'zod'

const flag = z.enum(['0', '1', 'false', 'true']).transform((value) => value === '1' || value === 'true')

export const exportQuery = z.object({
  format: z.enum(['csv', 'ndjson']).default('csv'),
  gzip: flag.default(false),
  limit: z.coerce.number<number>().int().positive().optional(),
})
