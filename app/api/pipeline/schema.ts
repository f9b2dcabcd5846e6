import { z } from 'zod'
import { flag } from '@/lib/contract'
import { slowMotionRate } from '@/lib/stream'

export const transformQuery = z.strictObject({
  filter: z.string().max(200).default(''),
  upper: flag.default(false),
  /** Slow motion: the records are sent at most this many bytes per second. */
  rate: slowMotionRate,
})

/** Text bodies only: the pipeline decodes UTF-8. A missing Content-Type is taken as text. */
export const textContentType = /^(text\/[\w.+-]+|application\/(x-)?ndjson|application\/json)\s*(;.*)?$/i
