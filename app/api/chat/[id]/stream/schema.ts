import { z } from 'zod'

/** `GET /api/chat/:id/stream?generation=<stream id>` (optional: the generation the page saw running). */
export const resumeQuery = z.strictObject({
  generation: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*\/[A-Za-z0-9_-]{1,64}$/, 'a generation id such as chat/AbC…')
    .optional(),
})
