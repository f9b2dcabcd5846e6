import { z } from 'zod'
import { slowMotionRate } from '@/lib/stream/throttle'

const flag = z.enum(['0', '1', 'false', 'true']).transform((value) => value === '1' || value === 'true')

export const exportQuery = z.object({
  format: z.enum(['csv', 'ndjson']).default('csv'),
  gzip: flag.default(false),
  limit: z.coerce.number<number>().int().positive().optional(),
  /** Slow motion: the file is sent at most this many bytes per second (before gzip). */
  rate: slowMotionRate,
})
