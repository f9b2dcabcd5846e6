import { z } from 'zod'

/** `Last-Event-ID` as a reconnecting `EventSource` sends it: the version of the last snapshot it got. */
export const lastEventId = z.union([z.literal(''), z.coerce.number().int().nonnegative()]).optional()
