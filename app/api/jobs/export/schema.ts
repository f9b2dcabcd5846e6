import { z } from 'zod'
import { flag } from '@/lib/contract'
import { slowMotionRate } from '@/lib/stream'

export const exportQuery = z.strictObject({
  format: z.enum(['csv', 'ndjson']).default('csv'),
  gzip: flag.default(false),
  limit: z.coerce.number<number>().int().positive().optional(),
  /** Slow motion: the file is sent at most this many bytes per second (before gzip). */
  rate: slowMotionRate,
})
