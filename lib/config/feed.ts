import { z } from 'zod'
import { doc } from './atoms.ts'

/** Live feed. */
export const feedVariables = {
  SLUICE_FEED_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(50)
    .default(1_000)
    .meta(doc({ group: 'Live feed', description: 'How often the live feed samples the server and sends an event.' })),
  SLUICE_FEED_REPLAY: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(600)
    .meta(doc({ group: 'Live feed', description: 'Live-feed events kept for `Last-Event-ID` replay.' })),
}
