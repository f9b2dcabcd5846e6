import { z } from 'zod'
import { slowMotionRate } from '@/lib/stream/throttle'

export const transformQuery = z.strictObject({
  filter: z.string().max(200).default(''),
  upper: z.enum(['0', '1', 'true', 'false']).default('0').transform((v) => v === '1' || v === 'true'),
  /** Slow motion: the body is read at most this many bytes per second. */
  rate: slowMotionRate,
})

/** Text bodies only: the pipeline decodes UTF-8. A missing Content-Type is taken as text. */
export const textContentType = /^(text\/[\w.+-]+|application\/(x-)?ndjson|application\/json)\s*(;.*)?$/i
