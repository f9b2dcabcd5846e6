import { z } from 'zod'

/** `Last-Event-ID` as sent by `EventSource` (header) or by clients that cannot set headers (`?lastEventId=`). */
export const lastEventId = z.union([z.literal(''), z.coerce.number().int().nonnegative()]).optional()

export const feedQuery = z.strictObject({ lastEventId })
