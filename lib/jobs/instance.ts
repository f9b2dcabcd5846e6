import { config } from '@/lib/config'
import { RedisJobsStore } from '@/lib/jobs/redis-store'
import { SqliteJobsStore } from '@/lib/jobs/sqlite-store'
import type { JobsStore } from '@/lib/jobs/store'
import { backend } from '@/lib/redis'
import { singleton } from '@/lib/singleton'

/**
 * The process's jobs store, like the durable streams' store: in Redis when the process keeps its
 * state there (several instances share the export table and the import jobs, and nothing is
 * written to `SLUICE_DATA_DIR`), else in `<SLUICE_DATA_DIR>/jobs.db`. Neither connects before first use.
 */
export function jobsStore(): JobsStore {
  return singleton('jobs.store', () =>
    backend<JobsStore>({ redis: (redis) => new RedisJobsStore(redis), embedded: () => new SqliteJobsStore(config().dataDir) }),
  )
}
