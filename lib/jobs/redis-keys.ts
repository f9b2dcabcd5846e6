/**
 * Where the Redis jobs store keeps import jobs (the export table is in `redis-export-table.ts`).
 * Import job `<id>`: `<prefix>jobs:import:{<id>}:job` (a hash: source, status, counters, times)
 * and `<prefix>jobs:import:{<id>}:rows` (a hash: CSV line → `[name, email, amountCents]`). Both
 * share the hash tag `{<id>}`, so a batch's `MULTI`/`EXEC` touches one Cluster slot. Every job's
 * id is also in `<prefix>jobs:imports` (a sorted set scored by its start time, ms), the list of
 * all imports the operator reads.
 */
export function importKeys(prefix: string, id: string) {
  const base = `${prefix}jobs:import:{${id}}`
  return { job: `${base}:job`, rows: `${base}:rows` }
}

/** The sorted set of every import job's id, scored by its start time (ms). */
export function importIndexKey(prefix: string): string {
  return `${prefix}jobs:imports`
}
