import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { SqliteJobsStore } from '@/lib/jobs/sqlite-store'
import { jobsStoreContract } from './jobs-store.contract'

/** The SQLite store, each test in its own temporary data directory. */
jobsStoreContract('sqlite', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-jobs-store-'))
  const stores = [new SqliteJobsStore(dir)]
  return {
    store: stores[0]!,
    another: async () => {
      const store = new SqliteJobsStore(dir) // a second connection to the same file
      stores.push(store)
      return store
    },
    cleanup: async () => {
      for (const store of stores) store.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
})
