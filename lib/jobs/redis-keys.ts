/**
 * Where the Redis jobs store keeps import jobs (the export table is in `redis-export-table.ts`).
 * Import job `<id>`: `<prefix>jobs:import:{<id>}:job` (a hash: source, status, counters, times)
 * and `<prefix>jobs:import:{<id>}:rows` (a hash: CSV line → `[name, email, amountCents]`). Both
 * share the hash tag `{<id>}`, so a batch's `MULTI`/`EXEC` touches one Cluster slot.
 */
export function importKeys(prefix: string, id: string) {
  const base = `${prefix}jobs:import:{${id}}`
  return { job: `${base}:job`, rows: `${base}:rows` }
}
