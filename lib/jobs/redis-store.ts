import { AppError } from '@/lib/errors'
import { chunksOfBatches } from '@/lib/jobs/export-chunks'
import type { ImportRow } from '@/lib/jobs/import-rows'
import type { ExportRow } from '@/lib/jobs/jobs-database'
import { EXPORT_BATCH_ROWS, exportKeys, parseGeneration, REPLACED_GRACE_MS, seedRedisExportRows } from '@/lib/jobs/redis-export-table'
import { importIndexKey, importKeys } from '@/lib/jobs/redis-keys'
import type { ExportSnapshot, ImportCounts, ImportJob, ImportStatus, JobsStore, StoredImportJob } from '@/lib/jobs/store'
import { guarded, type RedisContext, type RedisSource } from '@/lib/redis'

/**
 * The jobs in Redis, shared by every instance (see docs/typed-streams.md, "Several instances").
 *
 * - Export table: `redis-export-table.ts` (an immutable list per seeded generation, a pointer).
 * - Import jobs: `redis-keys.ts` (a job hash and a rows hash under the job's hash tag).
 *
 * An import batch is acknowledged once Redis has it and, when replicas are required
 * (`SLUICE_REDIS_MIN_REPLICAS`), once they confirm it. A lost connection fails the call with
 * `503 unavailable:store`.
 */
export class RedisJobsStore implements JobsStore {
  readonly #redis: RedisSource

  constructor(redis: RedisSource) {
    this.#redis = redis
  }

  #run<T>(work: (client: RedisContext['commands'], prefix: string, redis: RedisContext) => Promise<T>): Promise<T> {
    return guarded('Jobs', async () => {
      const redis = await this.#redis()
      return work(redis.commands, redis.prefix, redis)
    })
  }

  exportRowCount(): Promise<number> {
    return this.#run(async (client, prefix) => parseGeneration(await client.get(exportKeys(prefix).current))?.rows ?? 0)
  }

  /** Pipelined `RPUSH`es of 1,000 rows into a new generation, then one script swaps it in. */
  seedExportRows(rows: number): Promise<{ rows: number; ms: number }> {
    return this.#run((client, prefix) => seedRedisExportRows(client, prefix, rows))
  }

  /**
   * The generation current now, read in batches of 1,000 rows with one batch read ahead. It is
   * immutable, so the snapshot is exact; if it was replaced and then left unread for
   * `REPLACED_GRACE_MS`, it is gone and the export fails with `gone:export_table`.
   */
  openExport(options: { limit?: number } = {}): Promise<ExportSnapshot> {
    return this.#run(async (client, prefix) => {
      const keys = exportKeys(prefix)
      const current = parseGeneration(await client.get(keys.current))
      const total = Math.min(current?.rows ?? 0, options.limit ?? Infinity)
      const list = current ? keys.rows(current.generation) : ''
      const read = (start: number): Promise<ExportRow[]> =>
        this.#run(async (c) => {
          const stop = Math.min(total, start + EXPORT_BATCH_ROWS) - 1
          const encoded = await c.readExportBatch([list], [String(start), String(stop), String(REPLACED_GRACE_MS)])
          if (encoded.length !== stop - start + 1) {
            throw new AppError(
              'gone:export_table',
              'The export table was re-seeded and its previous version has expired; start the export again',
            )
          }
          return encoded.map((row) => JSON.parse(row) as ExportRow)
        })
      async function* batches(): AsyncGenerator<ExportRow[], void, undefined> {
        let next = total > 0 ? read(0) : undefined
        try {
          for (let start = 0; next; start += EXPORT_BATCH_ROWS) {
            const batch = await next
            next = start + EXPORT_BATCH_ROWS < total ? read(start + EXPORT_BATCH_ROWS) : undefined
            yield batch
          }
        } finally {
          next?.catch(() => {}) // a read ahead nobody will take
        }
      }
      return { total, batches, chunks: (format) => chunksOfBatches(batches(), format), close() {} }
    })
  }

  createImportJob(id: string, source: string): Promise<void> {
    return this.#run(async (client, prefix) => {
      const job = {
        source,
        status: 'running',
        processed: 0,
        inserted: 0,
        rejected: 0,
        batches: 0,
        lastLine: 1,
        startedAt: new Date().toISOString(),
      }
      await client.hSet(importKeys(prefix, id).job, job)
      // Another slot than the job's hash: a job whose indexing failed is still readable by id.
      await client.zAdd(importIndexKey(prefix), { score: Date.now(), value: id })
    })
  }

  /** The rows and the counters in one `MULTI`/`EXEC`: Redis applies both or neither. */
  commitImportBatch(id: string, rows: readonly ImportRow[], counts: ImportCounts): Promise<void> {
    return this.#run(async (client, prefix, redis) => {
      const keys = importKeys(prefix, id)
      const transaction = client.multi()
      if (rows.length > 0) {
        const fields = new Map(rows.map((row) => [String(row.line), JSON.stringify([row.name, row.email, row.amountCents])]))
        transaction.hSet(keys.rows, fields)
      }
      const { processed, inserted, rejected, batches, lastLine } = counts
      await transaction.hSet(keys.job, { processed, inserted, rejected, batches, lastLine }).exec()
      await redis.replicated(keys.job)
    })
  }

  finishImportJob(id: string, status: Exclude<ImportStatus, 'running'>): Promise<void> {
    return this.#run(async (client, prefix) => {
      await client.finishImportJob([importKeys(prefix, id).job], [status, new Date().toISOString()])
    })
  }

  /** The job's hash and its row count, read in one `MULTI`/`EXEC`: one point in time. */
  getImportJob(id: string): Promise<StoredImportJob | undefined> {
    return this.#run(async (client, prefix) => {
      const keys = importKeys(prefix, id)
      const [job, storedRows] = (await client.multi().hGetAll(keys.job).hLen(keys.rows).exec()) as unknown as [
        Record<string, string>,
        number,
      ]
      return job.status === undefined ? undefined : { ...importJob(id, job), storedRows }
    })
  }

  /** A visitor's: each of `ids` read (the ids of one visitor, at most a page of the owner index). All: from the index. */
  listImportJobs(options: { ids?: readonly string[]; limit: number; offset: number }): Promise<{ total: number; jobs: ImportJob[] }> {
    return this.#run(async (client, prefix) => {
      const read = async (ids: readonly string[]) =>
        (await Promise.all(ids.map(async (id) => [id, await client.hGetAll(importKeys(prefix, id).job)] as const)))
          .filter(([, job]) => job.status !== undefined)
          .map(([id, job]) => importJob(id, job))
      const { ids, limit, offset } = options
      if (ids) {
        const jobs = (await read(ids)).sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id))
        return { total: jobs.length, jobs: jobs.slice(offset, offset + limit) }
      }
      const index = importIndexKey(prefix)
      const [total, page] = await Promise.all([client.zCard(index), client.zRange(index, offset, offset + limit - 1, { REV: true })])
      return { total, jobs: await read(page) }
    })
  }
}

/** A job's hash as the store hands it out. */
function importJob(id: string, job: Record<string, string>): ImportJob {
  return {
    id,
    source: job.source ?? '',
    status: job.status as ImportStatus,
    processed: Number(job.processed),
    inserted: Number(job.inserted),
    rejected: Number(job.rejected),
    batches: Number(job.batches),
    lastLine: Number(job.lastLine),
    startedAt: job.startedAt ?? '',
    endedAt: job.endedAt ?? null,
  }
}
