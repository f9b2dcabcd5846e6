#!/usr/bin/env node
// Fills the export demo's table with generated rows, replacing what was there, wherever the app
// reads it: in Redis when REDIS_URL or REDIS_CLUSTER_NODES is set (unless SLUICE_STORE=embedded), as the app does —
// pipelined RPUSHes into a new generation, then one swap — else `export_rows` in
// <data dir>/jobs.db, in one transaction through one prepared statement.
//
//   npm run seed:export                       1,000,000 rows into SLUICE_DATA_DIR (default ./data)
//   npm run seed:export -- --rows 100000 --data-dir /tmp/sluice
//   REDIS_URL=redis://127.0.0.1:6379 npm run seed:export -- --rows 200000
import path from 'node:path'
import { parseArgs } from 'node:util'
import { createClient, createCluster } from 'redis'
import { config } from '../lib/config/index.ts'
import { openJobsDb, seedExportRows } from '../lib/jobs/jobs-database.ts'
import { SWAP_EXPORT_TABLE } from '../lib/redis/lua/jobs.ts'
import { seedRedisExportRows } from '../lib/jobs/redis-export-table.ts'

const usage =
  'Usage: [REDIS_URL=redis://…] npm run seed:export -- [--rows <count, default 1000000>] [--data-dir <dir, default SLUICE_DATA_DIR; SQLite only>]'
let values
try {
  ;({ values } = parseArgs({
    options: { rows: { type: 'string', default: '1000000' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  }))
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
const { store } = config()
if (store.kind === 'redis') {
  if (values['data-dir']) {
    console.error('--data-dir is for the SQLite table; with Redis configured the table is in Redis (SLUICE_STORE=embedded to use SQLite)')
    process.exit(1)
  }
  const socket = { connectTimeout: store.connectTimeoutMs, reconnectStrategy: /** @type {false} */ (false) }
  const client =
    store.target.kind === 'server'
      ? createClient({ url: store.target.url, socket })
      : createCluster({ rootNodes: store.target.nodes.map((url) => ({ url })), defaults: { socket } })
  await client.connect()
  try {
    const swapExportTable = async (keys, args) => Number(await client.eval(SWAP_EXPORT_TABLE, { keys, arguments: args }))
    const table = {
      get: (key) => client.get(key),
      rPush: (key, values) => client.rPush(key, values),
      pExpire: (key, ms) => client.pExpire(key, ms),
      swapExportTable,
    }
    const { ms } = await seedRedisExportRows(table, store.prefix, rows)
    console.log(`seeded ${rows.toLocaleString('en')} rows into Redis (${store.prefix}jobs:{export}:*) in ${ms} ms`)
  } finally {
    await client.close()
  }
  process.exit(0)
}
const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : config().dataDir
const db = openJobsDb(dataDir)
try {
  const { ms } = seedExportRows(db, rows)
  console.log(`seeded ${rows.toLocaleString('en')} rows into ${path.join(dataDir, 'jobs.db')} in ${ms} ms`)
} finally {
  db.close()
}
