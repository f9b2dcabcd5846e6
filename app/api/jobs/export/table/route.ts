import { json, parseJsonBody, route } from '@/lib/http'
import { exportTableSize, seedExportTable } from '@/lib/jobs/export'
import { seedBody } from './schema'

export const dynamic = 'force-dynamic'

/** How many rows the export table holds. */
export const GET = route(() => json({ rows: exportTableSize() }))

/** Replaces the export table with `rows` generated rows (for the demo page; the script does millions). */
export const POST = route(async (request) => {
  const { rows } = await parseJsonBody(request, seedBody())
  return json(seedExportTable(rows))
})
