import { parseQuery, route } from '@/lib/http'
import { exportDownload } from '@/lib/jobs/export'
import { exportQuery } from './schema'

export const dynamic = 'force-dynamic'
/** Seconds this route may run on Vercel (it streams for long). */
export const maxDuration = 300

/** The export table as a streaming download: `?format=csv|ndjson&gzip=1&limit=<rows>&rate=<bytes/s>` (slow motion). */
export const GET = route('GET /api/jobs/export', (request) => exportDownload(parseQuery(request, exportQuery), request.signal))
