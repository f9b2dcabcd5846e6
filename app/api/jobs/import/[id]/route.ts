import { AppError } from '@/lib/errors'
import { json, parseWith, route } from '@/lib/http'
import { jobsStore } from '@/lib/jobs'
import { importJobParams } from './schema'

/** An import job as stored: its status and committed counts, and the rows actually stored for it. */
export const GET = route('GET /api/jobs/import/[id]', async (_request, context: RouteContext<'/api/jobs/import/[id]'>) => {
  const { id } = parseWith(importJobParams, await context.params, 'params')
  const job = await jobsStore().getImportJob(id)
  if (!job) throw new AppError('not_found:import', `No import job ${id}`)
  return json(job)
})
