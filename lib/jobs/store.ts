import type { ExportRow } from '@/lib/jobs/jobs-database'
import type { ImportRow } from '@/lib/jobs/import-rows'

export type { ExportRow } from '@/lib/jobs/jobs-database'

export type ExportFormat = 'csv' | 'ndjson'

export type ImportStatus = 'running' | 'complete' | 'cancelled' | 'failed'

/** What an import has committed: always equal to the rows stored for the job. */
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

/** A job as stored, with the number of rows actually stored for it, read together with the counts. */
export interface StoredImportJob extends ImportJob {
  storedRows: number
}

/**
 * One consistent view of the export table for one export: `total` and the rows are the same
 * version of the table, whatever is re-seeded meanwhile. Read it once, then `close()` it.
 */
export interface ExportSnapshot {
  /** Rows this export holds (the table's size, capped by the limit). */
  readonly total: number
  /** The rows in id order, in bounded batches (at most 1,000 rows each): memory stays flat. */
  batches(): AsyncIterable<readonly ExportRow[]>
  /**
   * The export's bytes in ~64 KiB chunks (a CSV header first), written by the shared chunk writer
   * (`export-chunks.ts`). Sync where the backend reads synchronously (SQLite's cursor: no promise
   * per chunk), async otherwise. Returning early stops the reading.
   */
  chunks(format: ExportFormat): Iterable<Uint8Array> | AsyncIterable<Uint8Array>
  /** Releases what the snapshot holds (a read transaction). Idempotent. */
  close(): void
}

/**
 * Where the jobs feature keeps its data: the export demo's table and the import jobs with their
 * rows. Implementations: `SqliteJobsStore` (one machine, `<SLUICE_DATA_DIR>/jobs.db`) and
 * `RedisJobsStore` (several instances sharing Redis); `jobsStore()` picks one from the
 * configuration. Every implementation passes `test/unit/jobs/jobs-store.contract.ts`.
 */
export interface JobsStore {
  /** How many rows the export table holds. */
  exportRowCount(): Promise<number>
  /**
   * Replaces the export table with `rows` generated rows (`exportRow(1…rows)`). An export that is
   * running meanwhile keeps reading the table it started with: it never sees a mix.
   */
  seedExportRows(rows: number): Promise<{ rows: number; ms: number }>
  /** A snapshot of the export table for one export, of at most `limit` rows (the first ones by id). */
  openExport(options?: { limit?: number }): Promise<ExportSnapshot>

  /** Records a new running import job. */
  createImportJob(id: string, source: string): Promise<void>
  /** Stores a batch of rows and sets the job's counters to `counts`, atomically: both or neither. */
  commitImportBatch(id: string, rows: readonly ImportRow[], counts: ImportCounts): Promise<void>
  /** Marks the job ended with `status`. */
  finishImportJob(id: string, status: Exclude<ImportStatus, 'running'>): Promise<void>
  /** The job as stored, or undefined if there is none with this id. */
  getImportJob(id: string): Promise<StoredImportJob | undefined>
  /**
   * Import jobs, most recently started first, a page of them and how many there are: those among
   * `ids` (a visitor's own; ids of no import are skipped), or every one when `ids` is undefined.
   */
  listImportJobs(options: { ids?: readonly string[]; limit: number; offset: number }): Promise<{ total: number; jobs: ImportJob[] }>
}
