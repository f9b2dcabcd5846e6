import { createHash, randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CsvParser } from '@/lib/csv/parse'
import type { ImportRow } from '@/lib/jobs/import-rows'
import type { ExportFormat, ExportSnapshot, JobsStore } from '@/lib/jobs/store'

/** A fresh, empty store; `another()` opens a second instance on the same data over its own connection. */
export interface OpenedJobsStore {
  store: JobsStore
  another: () => Promise<JobsStore>
  cleanup: () => Promise<void>
}

/**
 * SHA-256 of the CSV export of a table seeded with 2,500 rows: recorded from the SQLite export as
 * it was before the store interface existed, so every backend must produce exactly those bytes.
 */
export const CSV_2500_SHA256 = '3db1d6dac8c9d097d6a0f0ae7e31dfa5ad64fdc262cc40ddd3217bf886cf275b'

const ROW_4 = [
  '4',
  'Barbara Hamilton',
  'barbara.hamilton.4@example.com',
  'Kyoto',
  '31676',
  '2024-01-01T00:04:00.000Z',
  'paid in two\ninstalments',
]

/** All of a snapshot's bytes, and closes it. */
export async function exportBytes(snapshot: ExportSnapshot, format: ExportFormat): Promise<Buffer> {
  const parts: Uint8Array[] = []
  try {
    for await (const chunk of snapshot.chunks(format)) parts.push(chunk)
  } finally {
    snapshot.close()
  }
  return Buffer.concat(parts)
}

function parseCsv(bytes: Buffer): string[][] {
  const parser = new CsvParser({ maxRecordChars: 1024 * 1024 })
  return [...parser.push(bytes.toString('utf8')), ...parser.end()].map((record) => record.fields)
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

function importRows(from: number, count: number): ImportRow[] {
  return Array.from({ length: count }, (_, i) => ({
    line: from + i,
    name: `Person ${from + i}`,
    email: `p${from + i}@example.com`,
    amountCents: (from + i) * 10,
  }))
}

/** The behaviour every {@link JobsStore} must have, run by each implementation's test file. */
export function jobsStoreContract(name: string, open: () => Promise<OpenedJobsStore>) {
  describe(`JobsStore contract: ${name}`, () => {
    let opened: OpenedJobsStore
    let store: JobsStore
    beforeEach(async () => {
      opened = await open()
      store = opened.store
    })
    afterEach(async () => opened.cleanup())

    it('starts with an empty export table: a CSV header and nothing else', async () => {
      expect(await store.exportRowCount()).toBe(0)
      const snapshot = await store.openExport()
      expect(snapshot.total).toBe(0)
      expect((await exportBytes(snapshot, 'csv')).toString()).toBe('id,name,email,city,amount_cents,created_at,note\r\n')
      expect((await exportBytes(await store.openExport(), 'ndjson')).byteLength).toBe(0)
    })

    it('exports the seeded rows with exactly the reference bytes, quoting what needs it', async () => {
      expect(await store.seedExportRows(2_500)).toMatchObject({ rows: 2_500 })
      expect(await store.exportRowCount()).toBe(2_500)
      const snapshot = await store.openExport()
      expect(snapshot.total).toBe(2_500)
      const bytes = await exportBytes(snapshot, 'csv')
      const records = parseCsv(bytes)
      expect(records).toHaveLength(2_501)
      expect(records[4]).toEqual(ROW_4)
      expect(records[3]![3]).toBe('Washington, D.C.')
      expect(records.slice(1).map((r) => Number(r[0]))).toEqual(Array.from({ length: 2_500 }, (_, i) => i + 1))
      expect(sha256(bytes)).toBe(CSV_2500_SHA256)
    })

    it('exports NDJSON up to a limit, and counts only the limited rows', async () => {
      await store.seedExportRows(2_500)
      const snapshot = await store.openExport({ limit: 5 })
      expect(snapshot.total).toBe(5)
      const lines = (await exportBytes(snapshot, 'ndjson')).toString().trimEnd().split('\n')
      expect(lines).toHaveLength(5)
      expect(JSON.parse(lines[3]!)).toEqual({
        id: 4,
        name: 'Barbara Hamilton',
        email: 'barbara.hamilton.4@example.com',
        city: 'Kyoto',
        amount_cents: 31676,
        created_at: '2024-01-01T00:04:00.000Z',
        note: 'paid in two\ninstalments',
      })
      expect((await store.openExport({ limit: 10_000 })).total).toBe(2_500)
    })

    it('reads rows in batches of at most 1,000, in id order', async () => {
      await store.seedExportRows(2_345)
      const snapshot = await store.openExport({ limit: 2_100 })
      const sizes: number[] = []
      const ids: number[] = []
      for await (const batch of snapshot.batches()) {
        sizes.push(batch.length)
        for (const row of batch) ids.push(row[0])
      }
      snapshot.close()
      expect(Math.max(...sizes)).toBeLessThanOrEqual(1_000)
      expect(ids).toEqual(Array.from({ length: 2_100 }, (_, i) => i + 1))
    })

    it('re-seeding replaces the table, and an export already open keeps reading the table it started with', async () => {
      await store.seedExportRows(2_500)
      const before = await store.openExport()
      await store.seedExportRows(3)
      expect(await store.exportRowCount()).toBe(3)
      expect(before.total).toBe(2_500)
      expect(sha256(await exportBytes(before, 'csv'))).toBe(CSV_2500_SHA256) // all old rows, no new one
      const after = parseCsv(await exportBytes(await store.openExport(), 'csv'))
      expect(after.slice(1).map((r) => r[0])).toEqual(['1', '2', '3'])
      await store.seedExportRows(0)
      expect(await store.exportRowCount()).toBe(0)
    })

    it('shares the export table with another instance', async () => {
      await store.seedExportRows(2_500)
      const other = await opened.another()
      expect(await other.exportRowCount()).toBe(2_500)
      expect(sha256(await exportBytes(await other.openExport(), 'csv'))).toBe(CSV_2500_SHA256)
    })

    it('records an import job, its batches and its end', async () => {
      const id = randomUUID()
      await store.createImportJob(id, 'upload')
      const created = await store.getImportJob(id)
      expect(created).toEqual({
        id,
        source: 'upload',
        status: 'running',
        processed: 0,
        inserted: 0,
        rejected: 0,
        batches: 0,
        lastLine: 1,
        startedAt: expect.any(String),
        endedAt: null,
        storedRows: 0,
      })
      await store.commitImportBatch(id, importRows(2, 3), { processed: 4, inserted: 3, rejected: 1, batches: 1, lastLine: 5 })
      expect(await store.getImportJob(id)).toMatchObject({ processed: 4, inserted: 3, rejected: 1, batches: 1, lastLine: 5, storedRows: 3 })
      await store.commitImportBatch(id, [], { processed: 6, inserted: 3, rejected: 3, batches: 2, lastLine: 7 })
      await store.finishImportJob(id, 'cancelled')
      const ended = await store.getImportJob(id)
      expect(ended).toMatchObject({ status: 'cancelled', processed: 6, rejected: 3, batches: 2, lastLine: 7, storedRows: 3 })
      expect(Date.parse(ended!.endedAt!)).toBeGreaterThanOrEqual(Date.parse(ended!.startedAt))
    })

    it('lists import jobs newest first — all of them, or those among given ids — a page at a time, with their counts', async () => {
      const ids: string[] = []
      for (let i = 0; i < 3; i++) {
        ids.push(randomUUID())
        await store.createImportJob(ids[i]!, 'generated')
        await new Promise((resolve) => setTimeout(resolve, 5)) // distinct start times
      }
      await store.commitImportBatch(ids[0]!, importRows(2, 2), { processed: 3, inserted: 2, rejected: 1, batches: 1, lastLine: 4 })
      await store.finishImportJob(ids[0]!, 'complete')
      const [first, second, third] = ids as [string, string, string]

      const all = await store.listImportJobs({ limit: 10, offset: 0 })
      expect(all.total).toBe(3)
      expect(all.jobs.map((j) => j.id)).toEqual([third, second, first])
      expect(all.jobs[2]).toMatchObject({ status: 'complete', processed: 3, inserted: 2, rejected: 1, endedAt: expect.any(String) })
      expect(all.jobs[0]).toMatchObject({ status: 'running', endedAt: null })
      expect((await store.listImportJobs({ limit: 1, offset: 1 })).jobs.map((j) => j.id)).toEqual([second])

      // Among given ids (a visitor's own): others are left out, and ids of no import are skipped.
      const mine = await store.listImportJobs({ ids: [first, randomUUID(), third], limit: 10, offset: 0 })
      expect(mine).toMatchObject({ total: 2 })
      expect(mine.jobs.map((j) => j.id)).toEqual([third, first])
      expect((await store.listImportJobs({ ids: [first, third], limit: 1, offset: 1 })).jobs.map((j) => j.id)).toEqual([first])
      expect(await store.listImportJobs({ ids: [], limit: 10, offset: 0 })).toEqual({ total: 0, jobs: [] })
    })

    it('has no job for an unknown id, and ending one does not make one', async () => {
      const id = randomUUID()
      expect(await store.getImportJob(id)).toBeUndefined()
      await store.finishImportJob(id, 'failed')
      expect(await store.getImportJob(id)).toBeUndefined()
    })

    it('shows a job to another instance, and its counters always equal its stored rows, even mid-import', async () => {
      const id = randomUUID()
      await store.createImportJob(id, 'generated')
      const other = await opened.another()
      expect(await other.getImportJob(id)).toMatchObject({ status: 'running', storedRows: 0 })
      const commits: Promise<void>[] = []
      for (let batch = 1; batch <= 40; batch++) {
        const counts = { processed: batch * 100, inserted: batch * 100, rejected: 0, batches: batch, lastLine: batch * 100 + 1 }
        commits.push(store.commitImportBatch(id, importRows((batch - 1) * 100 + 2, 100), counts))
      }
      const seen: Array<[number, number]> = []
      const all = Promise.all(commits)
      let done = false
      void all.then(() => (done = true))
      while (!done) {
        const job = (await other.getImportJob(id))!
        seen.push([job.inserted, job.storedRows])
      }
      await all
      await store.finishImportJob(id, 'complete')
      expect(seen.filter(([inserted, stored]) => inserted !== stored)).toEqual([])
      expect(await other.getImportJob(id)).toMatchObject({ status: 'complete', inserted: 4_000, storedRows: 4_000, batches: 40 })
    })
  })
}
