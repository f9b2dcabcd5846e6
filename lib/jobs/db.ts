import { DatabaseSync } from 'node:sqlite'
import { config } from '@/lib/config'
import { jobsDbPath, openJobsDb } from '@/lib/jobs/jobs-database'
import { singleton } from '@/lib/singleton'

/** The process's one writing connection to the jobs database. */
export function jobsDb(): DatabaseSync {
  return singleton('jobs:db', () => openJobsDb(config().dataDir))
}

/**
 * A read-only connection of its own, for one long read (an export's cursor): it reads a stable
 * snapshot and never holds up the writing connection. Close it when done.
 */
export function openJobsReader(): DatabaseSync {
  jobsDb() // the file and its tables exist
  const db = new DatabaseSync(jobsDbPath(config().dataDir), { readOnly: true })
  db.exec('PRAGMA busy_timeout = 5000')
  return db
}
