import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { exportKeys, parseGeneration, REPLACED_GRACE_MS } from '@/lib/jobs/redis-export-table'
import { RedisJobsStore } from '@/lib/jobs/redis-store'
import { SqliteJobsStore } from '@/lib/jobs/sqlite-store'
import type { RedisCommands, RedisContext } from '@/lib/redis/connection'
import { withTestRedis } from '../../support/with-redis'
import { exportBytes, jobsStoreContract } from './jobs-store.contract'

/**
 * The Redis store against a real redis-server (started by this file): the contract, each test
 * under its own key prefix, every store instance on its own connection; then what only Redis has.
 */
const redis = withTestRedis()

/** Stores sharing one prefix, each on its own connections (an app instance each). */
async function openRedisStores(prefix = redis.prefix()) {
  const clients: RedisCommands[] = []
  const contexts: RedisContext[] = []
  const open = async () => {
    const context = await redis.context({ prefix })
    contexts.push(context)
    clients.push(context.commands)
    return new RedisJobsStore(async () => context)
  }
  return { prefix, open, clients, cleanup: async () => void (await Promise.all(contexts.map((c) => c.close()))) }
}

jobsStoreContract('redis', async () => {
  const stores = await openRedisStores()
  return { store: await stores.open(), another: stores.open, cleanup: stores.cleanup }
})

describe('redis jobs store', () => {
  it('exports the same bytes as the SQLite store for the same seed, CSV and NDJSON', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-jobs-store-'))
    const sqlite = new SqliteJobsStore(dir)
    const stores = await openRedisStores()
    try {
      const store = await stores.open()
      await Promise.all([sqlite.seedExportRows(12_345), store.seedExportRows(12_345)])
      for (const format of ['csv', 'ndjson'] as const) {
        const [a, b] = await Promise.all([exportBytes(await sqlite.openExport(), format), exportBytes(await store.openExport(), format)])
        expect(b.byteLength).toBeGreaterThan(1_000_000)
        expect(b.equals(a)).toBe(true)
      }
    } finally {
      sqlite.close()
      await stores.cleanup()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('keeps each import job under its own hash tag, the list of every import in one key, and the export table under {export}', async () => {
    const stores = await openRedisStores()
    try {
      const store = await stores.open()
      const id = randomUUID()
      await store.createImportJob(id, 'generated')
      await store.commitImportBatch(id, [{ line: 2, name: 'Ada', email: 'ada@example.com', amountCents: 1 }], {
        processed: 1,
        inserted: 1,
        rejected: 0,
        batches: 1,
        lastLine: 2,
      })
      await store.seedExportRows(10)
      const keys = (await stores.clients[0]!.keys(`${stores.prefix}*`)).sort()
      expect(keys).toEqual([
        `${stores.prefix}jobs:import:{${id}}:job`,
        `${stores.prefix}jobs:import:{${id}}:rows`,
        `${stores.prefix}jobs:imports`,
        `${stores.prefix}jobs:{export}:current`,
        expect.stringMatching(new RegExp(`^${stores.prefix}jobs:\\{export\\}:rows:`)),
      ])
    } finally {
      await stores.cleanup()
    }
  })

  it('re-seeding keeps the replaced rows for a grace period that reading extends, then an export of them fails, never mixes', async () => {
    const stores = await openRedisStores()
    try {
      const store = await stores.open()
      const client = stores.clients[0]!
      const keys = exportKeys(stores.prefix)
      await store.seedExportRows(2_500)
      const old = keys.rows(parseGeneration(await client.get(keys.current))!.generation)
      expect(await client.pTTL(old)).toBe(-1) // the current table never expires
      const reading = await store.openExport()
      const stale = await store.openExport()
      await store.seedExportRows(5)
      const current = keys.rows(parseGeneration(await client.get(keys.current))!.generation)
      expect(await client.pTTL(current)).toBe(-1)
      expect(await client.pTTL(old)).toBeGreaterThan(0)
      expect(await client.pTTL(old)).toBeLessThanOrEqual(REPLACED_GRACE_MS)

      await client.pExpire(old, 60_000) // as if the grace period were nearly over: a read renews it
      const batches = reading.batches()[Symbol.asyncIterator]()
      expect((await batches.next()).value).toHaveLength(1_000)
      expect(await client.pTTL(old)).toBeGreaterThan(60_000)
      await batches.return?.()

      await client.del(old) // the grace period is over
      await expect(exportBytes(stale, 'csv')).rejects.toMatchObject({ code: 'gone:export_table' })
      expect(await store.exportRowCount()).toBe(5)
    } finally {
      await stores.cleanup()
    }
  })

  it('answers 503 unavailable:store when Redis cannot be reached', async () => {
    const stores = await openRedisStores()
    const store = await stores.open()
    await stores.cleanup() // the connection is closed
    await expect(store.getImportJob(randomUUID())).rejects.toMatchObject({ code: 'unavailable:store' })
  })
})
