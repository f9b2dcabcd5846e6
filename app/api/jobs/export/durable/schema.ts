import { z } from 'zod'

export const durableExportBody = z.object({
  format: z.enum(['csv', 'ndjson']).default('csv'),
  gzip: z.boolean().default(false),
  limit: z.number().int().positive().optional(),
})
