import { json, parseQuery, route } from '@/lib/http'
import { importJob, listImports } from '@/lib/jobs'
import { streamRoute } from '@/lib/typed'
import { importListQuery } from './schema'

/** Seconds this route may run on Vercel (it streams for long). */
export const maxDuration = 300

/**
 * POST runs an import as a typed stream (SSE frames); DELETE ?stream=<id> cancels it. No import
 * is started by a GET (below, GET only lists): an `EventSource` reconnects by itself, and an
 * import must not run twice because a connection dropped.
 */
export const { POST, DELETE } = streamRoute(importJob, { path: '/api/jobs/import' })

/**
 * GET lists the caller's imports (the operator's: all), newest first, with what each committed —
 * what the jobs page shows after a reload. `?limit=&offset=` pages it.
 */
export const GET = route('GET /api/jobs/import', async (request, _context, access) => {
  const page = parseQuery(request, importListQuery)
  return json(await listImports(await access.mine('typed-stream', { limit: 1000 }), page))
})
