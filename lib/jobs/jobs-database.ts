/**
 * The jobs SQLite file: where it lives, its schema, and the seeding of the export table.
 * Free of `@/` imports and of non-erasable TypeScript, so that `scripts/seed-export.mjs` can
 * import it directly (Node's type stripping) and seed exactly what the app reads.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'

/** The columns of `export_rows`, in export order. */
export const EXPORT_COLUMNS = ['id', 'name', 'email', 'city', 'amount_cents', 'created_at', 'note'] as const

export const EXPORT_TABLE_SQL = `CREATE TABLE IF NOT EXISTS export_rows (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  city TEXT NOT NULL,
  amount_cents INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  note TEXT NOT NULL
)`

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Frances', 'Tim', 'Radia']
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Allen', 'Berners-Lee', 'Perlman']
// Some values need CSV quoting, so exports exercise it.
const CITIES = ['Paris', 'Lagos', 'Lima', 'Washington, D.C.', 'Kyoto', 'São Paulo', 'Zürich']
const NOTES = ['', '', '', 'said "hello", then left', 'paid in two\ninstalments']
const BASE_TIME = Date.UTC(2024, 0, 1)

/** One row of the export table, in `EXPORT_COLUMNS` order. */
export type ExportRow = [id: number, name: string, email: string, city: string, amountCents: number, createdAt: string, note: string]

/** Generated row `i` (1-based): deterministic, so every backend seeds exactly the same table. */
export function exportRow(i: number): ExportRow {
  const first = FIRST[i % FIRST.length]!
  const last = LAST[(i * 7) % LAST.length]!
  return [
    i,
    `${first} ${last}`,
    `${first}.${last}.${i}@example.com`.toLowerCase(),
    CITIES[i % CITIES.length]!,
    (i * 7919) % 1_000_000,
    new Date(BASE_TIME + i * 60_000).toISOString(),
    NOTES[i % NOTES.length]!,
  ]
}

/**
 * Replaces the contents of `export_rows` with `rows` generated rows (`exportRow(1…rows)`), in one
 * transaction through one prepared statement. Returns the time taken.
 */
export function seedExportRows(db: DatabaseSync, rows: number): { rows: number; ms: number } {
  const started = performance.now()
  db.exec(EXPORT_TABLE_SQL)
  const insert = db.prepare('INSERT INTO export_rows (id, name, email, city, amount_cents, created_at, note) VALUES (?, ?, ?, ?, ?, ?, ?)')
  db.exec('BEGIN IMMEDIATE')
  try {
    db.exec('DELETE FROM export_rows')
    for (let i = 1; i <= rows; i++) insert.run(...exportRow(i))
    db.exec('COMMIT')
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK') // SQLite may have rolled back already (a full disk)
    throw error
  }
  return { rows, ms: Math.round(performance.now() - started) }
}

/** The jobs database file inside a data directory. */
export function jobsDbPath(dataDir: string): string {
  return path.join(dataDir, 'jobs.db')
}

const SCHEMA = [
  EXPORT_TABLE_SQL,
  `CREATE TABLE IF NOT EXISTS import_jobs (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'cancelled', 'failed')),
    processed INTEGER NOT NULL DEFAULT 0,
    inserted INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    batches INTEGER NOT NULL DEFAULT 0,
    last_line INTEGER NOT NULL DEFAULT 1,
    started_at TEXT NOT NULL,
    ended_at TEXT
  )`,
  `CREATE TABLE IF NOT EXISTS imported_rows (
    job_id TEXT NOT NULL,
    line INTEGER NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    PRIMARY KEY (job_id, line)
  ) WITHOUT ROWID`,
]

/** Opens (creating if needed) the jobs database in WAL mode, so exports read while imports write. */
export function openJobsDb(dataDir: string): DatabaseSync {
  mkdirSync(dataDir, { recursive: true })
  const db = new DatabaseSync(jobsDbPath(dataDir))
  db.exec('PRAGMA journal_mode = WAL')
  db.exec('PRAGMA synchronous = NORMAL')
  db.exec('PRAGMA busy_timeout = 5000')
  for (const statement of SCHEMA) db.exec(statement)
  return db
}
