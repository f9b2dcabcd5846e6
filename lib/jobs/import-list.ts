import { jobsStore } from '@/lib/jobs/instance'
import type { ImportJob } from '@/lib/jobs/store'

export interface ImportList {
  total: number
  limit: number
  offset: number
  /** Newest first, with what each committed. */
  jobs: ImportJob[]
}

/**
 * A page of imports: those among `mine` — the typed streams a visitor owns, from the owner store
 * (the most recent 1,000; the answer and countdown streams among them are no imports and are
 * left out) — or every one (`'all'`: the operator).
 */
export async function listImports(mine: { ids: string[] } | 'all', page: { limit: number; offset: number }): Promise<ImportList> {
  const { total, jobs } = await jobsStore().listImportJobs(mine === 'all' ? page : { ids: mine.ids, ...page })
  return { total, ...page, jobs }
}
