import { z } from 'zod'

/** `POST /api/durable/demo/export` */
export const exportBody = z.object({ rows: z.number().int().min(1).max(1_000_000).default(100_000) })

/** `POST /api/durable/demo/logs`: by default a line every 250 ms for a minute. */
export const logsBody = z.object({
  lines: z.number().int().min(1).max(1_000).default(240),
  intervalMs: z.number().int().min(20).max(5_000).default(250),
})
