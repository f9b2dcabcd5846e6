import { json, parseJsonBody, route } from '@/lib/http'
import { jobsStore } from '@/lib/jobs'
import { seedBody } from './schema'

export const dynamic = 'force-dynamic'

/** How many rows the export table holds. */
export const GET = route('GET /api/jobs/export/table', async () => json({ rows: await jobsStore().exportRowCount() }))

/** Replaces the export table with `rows` generated rows (for the demo page; the script does millions). */
export const POST = route('POST /api/jobs/export/table', async (request) => {
  const { rows } = await parseJsonBody(request, seedBody())
  return json(await jobsStore().seedExportRows(rows))
})
