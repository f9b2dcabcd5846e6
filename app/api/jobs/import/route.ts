import { importJob } from '@/lib/jobs'
import { streamRoute } from '@/lib/typed'

/** Seconds this route may run on Vercel (it streams for long). */
export const maxDuration = 300

/**
 * POST runs an import as a typed stream (SSE frames); DELETE ?stream=<id> cancels it. No GET: an
 * `EventSource` reconnects by itself, and an import must not run twice because a connection dropped.
 */
export const { POST, DELETE } = streamRoute(importJob, { path: '/api/jobs/import' })
