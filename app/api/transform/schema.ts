import { z } from 'zod'
import { flag } from '@/lib/contract'

export const transformQuery = z.strictObject({
  filter: z.string().max(200).default(''),
  upper: flag.default(false),
})

/** Text bodies only: the pipeline decodes UTF-8. A missing Content-Type is taken as text. */
export const textContentType = /^(text\/[\w.+-]+|application\/(x-)?ndjson|application\/json)\s*(;.*)?$/i
