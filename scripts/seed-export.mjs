#!/usr/bin/env node
// Fills the export demo's table (`export_rows` in <data dir>/jobs.db) with generated rows:
// one transaction, one prepared statement. Replaces what was there.
//
//   npm run seed:export                       1,000,000 rows into SLUICE_DATA_DIR (default ./data)
//   npm run seed:export -- --rows 100000 --data-dir /tmp/sluice
import path from 'node:path'
import { parseArgs } from 'node:util'
import { config } from '../lib/config.ts'
import { openJobsDb, seedExportRows } from '../lib/jobs/jobs-database.ts'

const usage = 'Usage: npm run seed:export -- [--rows <count, default 1000000>] [--data-dir <dir, default SLUICE_DATA_DIR>]'
let values
try {
  ;({ values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } }))
} catch (error) {
  console.error(`${error.message}\n${usage}`)
  process.exit(1)
}
if (values.help) {
  console.log(usage)
  process.exit(0)
}
const rows = Number(values.rows.replaceAll('_', ''))
if (!Number.isSafeInteger(rows) || rows < 0) {
  console.error(`--rows must be a whole number of rows, got "${values.rows}"\n${usage}`)
  process.exit(1)
}
const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : config().dataDir
const db = openJobsDb(dataDir)
try {
  const { ms } = seedExportRows(db, rows)
  console.log(`seeded ${rows.toLocaleString('en')} rows into ${path.join(dataDir, 'jobs.db')} in ${ms} ms`)
} finally {
  db.close()
}
