import { jobsDb } from '@/lib/jobs/db'
import type { ImportRow } from '@/lib/jobs/import-rows'

export type ImportStatus = 'running' | 'complete' | 'cancelled' | 'failed'

/** What an import has committed: always equal to the rows in `imported_rows` for the job. */
export interface ImportCounts {
  processed: number
  inserted: number
  rejected: number
  batches: number
  /** The last CSV line covered by a committed batch. */
  lastLine: number
}

export interface ImportJob extends ImportCounts {
  id: string
  source: string
  status: ImportStatus
  startedAt: string
  endedAt: string | null
}

export function createImportJob(id: string, source: string): void {
  jobsDb()
    .prepare("INSERT INTO import_jobs (id, source, status, started_at) VALUES (?, ?, 'running', ?)")
    .run(id, source, new Date().toISOString())
}

/**
 * Commits one batch: its rows inserted one by one and the job's counters set to `counts`, in one
 * transaction, so what the job reports is exactly what is stored. Synchronous on purpose: nothing
 * else can use the connection in the middle of it.
 */
export function commitImportBatch(id: string, rows: readonly ImportRow[], counts: ImportCounts): void {
  const db = jobsDb()
  const insert = db.prepare('INSERT INTO imported_rows (job_id, line, name, email, amount_cents) VALUES (?, ?, ?, ?, ?)')
  const update = db.prepare('UPDATE import_jobs SET processed = ?, inserted = ?, rejected = ?, batches = ?, last_line = ? WHERE id = ?')
  db.exec('BEGIN IMMEDIATE')
  try {
    for (const row of rows) insert.run(id, row.line, row.name, row.email, row.amountCents)
    update.run(counts.processed, counts.inserted, counts.rejected, counts.batches, counts.lastLine, id)
    db.exec('COMMIT')
  } catch (error) {
    db.exec('ROLLBACK')
    throw error
  }
}

export function finishImportJob(id: string, status: Exclude<ImportStatus, 'running'>): void {
  jobsDb().prepare('UPDATE import_jobs SET status = ?, ended_at = ? WHERE id = ?').run(status, new Date().toISOString(), id)
}

interface JobRow {
  id: string
  source: string
  status: ImportStatus
  processed: number
  inserted: number
  rejected: number
  batches: number
  last_line: number
  started_at: string
  ended_at: string | null
}

/** A job with the number of rows actually stored for it (`storedRows`), or undefined. */
export function getImportJob(id: string): (ImportJob & { storedRows: number }) | undefined {
  const db = jobsDb()
  const job = db.prepare('SELECT * FROM import_jobs WHERE id = ?').get(id) as JobRow | undefined
  if (!job) return undefined
  const { n } = db.prepare('SELECT count(*) AS n FROM imported_rows WHERE job_id = ?').get(id) as { n: number }
  return {
    id: job.id,
    source: job.source,
    status: job.status,
    processed: job.processed,
    inserted: job.inserted,
    rejected: job.rejected,
    batches: job.batches,
    lastLine: job.last_line,
    startedAt: job.started_at,
    endedAt: job.ended_at,
    storedRows: n,
  }
}
