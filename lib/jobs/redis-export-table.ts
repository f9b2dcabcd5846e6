/**
 * The export table in Redis: its key layout, seeding, and the pointer to the current version.
 * Free of `@/` imports and of non-erasable TypeScript, so that `scripts/seed-export.mjs` can import
 * it directly (Node's type stripping) and seed exactly what the app reads.
 *
 * Layout (one hash tag, `{export}`, so every key of the table is in one Redis Cluster slot):
 *
 * - `<prefix>jobs:{export}:current` — `"<generation> <rows>"`: which version of the table is
 *   current, and its size. Absent: the table is empty.
 * - `<prefix>jobs:{export}:rows:<generation>` — a list of rows in id order, each a JSON array in
 *   `EXPORT_COLUMNS` order; read with `LRANGE` in batches. Never changed once written.
 *
 * Seeding writes a new generation (pipelined `RPUSH`es, with a staging TTL so a crashed seed
 * leaves nothing behind), then one script swaps the pointer, makes the new list permanent and
 * gives the old one a grace TTL that readers extend while they read it.
 */
import { randomBytes } from 'node:crypto'
import type { RedisClientType } from 'redis'
import { exportRow } from './jobs-database.ts'

/**
 * The commands seeding uses, on any node-redis client (one server or a cluster), and the swap
 * script (`SWAP_EXPORT_TABLE`): the app's connection has it registered (`lib/redis/scripts.ts`);
 * the seed script runs it with `EVAL`.
 */
export type ExportTableClient = Pick<RedisClientType, 'get' | 'rPush' | 'pExpire'> & {
  swapExportTable(keys: string[], args: string[]): Promise<number>
}

/** Rows per `RPUSH` when seeding and per `LRANGE` when exporting. */
export const EXPORT_BATCH_ROWS = 1_000
/** How long an unfinished seed's rows live, if the seeding process dies before the swap. */
const STAGING_TTL_MS = 60 * 60 * 1000
/** `RPUSH`es in flight while seeding: enough to keep the connection busy, bounded in memory. */
const PIPELINE_DEPTH = 16
/**
 * How long a replaced generation stays readable after its last read. Each batch an export reads
 * extends it, so only an export idle this long after a re-seed loses its table.
 */
export const REPLACED_GRACE_MS = 15 * 60 * 1000

export const exportKeys = (prefix: string) => ({
  current: `${prefix}jobs:{export}:current`,
  rows: (generation: string) => `${prefix}jobs:{export}:rows:${generation}`,
})

/** The current version of the table. */
export interface ExportGeneration {
  generation: string
  rows: number
}

export function parseGeneration(value: string | null): ExportGeneration | undefined {
  if (value === null) return undefined
  const [generation = '', rows = '0'] = value.split(' ')
  return { generation, rows: Number(rows) }
}

/**
 * Replaces the export table with `rows` generated rows (`exportRow(1…rows)`, the same rows as the
 * SQLite table). An export reading the previous generation keeps reading it.
 */
export async function seedRedisExportRows(client: ExportTableClient, prefix: string, rows: number): Promise<{ rows: number; ms: number }> {
  const started = performance.now()
  const keys = exportKeys(prefix)
  const generation = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`
  const list = keys.rows(generation)
  const inFlight: Promise<unknown>[] = []
  try {
    for (let first = 1; first <= rows; first += EXPORT_BATCH_ROWS) {
      const batch: string[] = []
      for (let i = first; i <= Math.min(rows, first + EXPORT_BATCH_ROWS - 1); i++) batch.push(JSON.stringify(exportRow(i)))
      // One connection runs its commands in order, so the batches land in id order.
      inFlight.push(client.rPush(list, batch))
      if (first === 1) inFlight.push(client.pExpire(list, STAGING_TTL_MS))
      if (inFlight.length >= PIPELINE_DEPTH) await inFlight.shift()
    }
    await Promise.all(inFlight.splice(0))
  } catch (error) {
    await Promise.allSettled(inFlight)
    throw error
  }
  for (;;) {
    const expected = await client.get(keys.current)
    const old = parseGeneration(expected)
    const swapped = await client.swapExportTable(
      [keys.current, list, old ? keys.rows(old.generation) : list],
      [expected ?? '', `${generation} ${rows}`, String(rows), String(REPLACED_GRACE_MS)],
    )
    if (swapped === 1) break
  }
  return { rows, ms: Math.round(performance.now() - started) }
}
