#!/usr/bin/env node
// Export benchmark: 1,000,000 rows as CSV through Sluice's route against a plain node:sqlite
// script writing the same CSV to /dev/null, in one run; and the server's peak memory for an
// export of 1,000,000 rows against one of 100,000 rows (each on a fresh server).
//
//   npm run build && npm run bench:export                 (ROWS=200000 npm run bench:export for a quick run)
//   BENCH_SERVER_NODE_OPTIONS=--max-semi-space-size=2 npm run bench:export   (the servers with a capped young generation)
//
// Targets: route rate >= 80 % of the plain script's as a median of interleaved runs (issue 17; issue 6 asked 70 % of the best runs); peak RSS for 1,000,000 rows within
// 32 MiB of the peak for 100,000 rows.
import { spawn } from 'node:child_process'
import http from 'node:http'
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { csvLine } from '../lib/csv/format.ts'
import { EXPORT_COLUMNS, openJobsDb, seedExportRows } from '../lib/jobs/jobs-database.ts'

const root = path.resolve(import.meta.dirname, '..')
const ROWS = Number(process.env.ROWS ?? 1_000_000)
const SMALL = Math.round(ROWS / 10)
const MiB = 2 ** 20
const CLOCK_TICKS = 100 // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux

if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) {
  console.error('No production build: run `npm run build` first')
  process.exit(1)
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-export-'))
const servers = []
process.on('exit', () => {
  for (const child of servers) child.kill('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

const fmt = (n) => Math.round(n).toLocaleString('en')

// 1. Seed the table (the same code as `npm run seed:export`).
{
  const db = openJobsDb(dataDir)
  const { ms } = seedExportRows(db, ROWS)
  db.close()
  console.log(`seeded ${fmt(ROWS)} rows in ${fmt(ms)} ms (${fmt(ROWS / (ms / 1000))} rows/s, one transaction, one prepared statement)`)
}

// 2. The plain script: the same query and CSV formatting, written to /dev/null in 64 KiB pieces.
function plainExport() {
  const db = openJobsDb(dataDir)
  const out = openSync('/dev/null', 'w')
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  const statement = db.prepare(`SELECT ${EXPORT_COLUMNS.join(', ')} FROM export_rows ORDER BY id`)
  statement.setReturnArrays(true)
  let buffer = csvLine(EXPORT_COLUMNS)
  let rows = 0
  let bytes = 0
  for (const row of statement.iterate()) {
    buffer += csvLine(/** @type {any} */ (row)) // an array: setReturnArrays(true)
    rows++
    if (buffer.length >= 65_536) {
      bytes += writeSync(out, buffer)
      buffer = ''
    }
  }
  bytes += writeSync(out, buffer)
  const ms = performance.now() - started
  const cpu = process.cpuUsage(cpuBefore)
  closeSync(out)
  db.close()
  return { rows, bytes, ms, cpuMs: (cpu.user + cpu.system) / 1000 }
}

// 3. The route, on a production server of its own.
async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
      server.close(() => resolve(port))
    })
  })
}

async function startServer() {
  // Other programs on this machine pick free ports too: a port can be taken between our check and
  // `next start`. The health route reports its pid, so we know we are talking to our own server.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const child = spawn(
      process.execPath,
      [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)],
      {
        cwd: root,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          SLUICE_DATA_DIR: dataDir,
          // e.g. BENCH_SERVER_NODE_OPTIONS=--max-semi-space-size=2, to see what V8's young generation accounts for
          ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    const output = { text: '' }
    child.stdout.on('data', (d) => (output.text += d))
    child.stderr.on('data', (d) => (output.text += d))
    servers.push(child)
    const base = `http://127.0.0.1:${port}`
    if (await ready(base, child)) return serverHandle(base, child, output)
    child.kill('SIGKILL')
    if (attempt === 5) throw new Error('could not start a server of our own')
  }
}

async function ready(base, child) {
  for (let tries = 0; tries < 600 && child.exitCode === null; tries++) {
    try {
      const response = await fetch(`${base}/api/health`)
      if (response.ok) return (await response.json()).pid === child.pid
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return false
}

function serverHandle(base, child, output) {
  return {
    base,
    /** CPU time the server process has used so far (user + system), in ms. */
    cpuMs: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ')
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS
    },
    /** Peak resident memory of the server process so far (VmHWM), in bytes. */
    peakRss: () =>
      Number(/** @type {RegExpExecArray} */ (/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8')))[1]) * 1024,
    output: () => output.text,
    stop: () => child.kill('SIGTERM'),
  }
}

/** Downloads the export with node:http (a light client: it shares the 2 CPUs with the server), discarding the bytes. */
function routeExport(server, query = '') {
  const base = server.base
  const started = performance.now()
  const cpuBefore = server.cpuMs()
  return new Promise((resolve, reject) => {
    // A fresh connection each time: the plain runs in between block this process for longer than
    // the server's keep-alive timeout, so a pooled socket would be closed under our feet.
    http
      .get(`${base}/api/jobs/export?format=csv${query}`, { agent: false }, (response) => {
        if (response.statusCode !== 200) return reject(new Error(`export answered ${response.statusCode}:\n${server.output()}`))
        const rows = Number(response.headers['x-total-rows'])
        let bytes = 0
        response.on('data', (chunk) => (bytes += chunk.length))
        response.on('end', () => resolve({ rows, bytes, ms: performance.now() - started, cpuMs: server.cpuMs() - cpuBefore }))
        response.on('error', reject)
      })
      .on('error', (error) => reject(new Error(`export request failed (${error.message}); server output:\n${server.output()}`)))
  })
}

const rate = (r) => r.rows / (r.ms / 1000)
/** Rows per second of CPU time: what the wall clock would show on an idle machine, whatever the load now. */
const cpuRate = (r) => r.rows / (r.cpuMs / 1000)
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

// Memory: a fresh server per size, peak RSS read after the export.
const small = await startServer()
const smallRun = await routeExport(small, `&limit=${SMALL}`)
const smallPeak = small.peakRss()
small.stop()

const large = await startServer()
const idlePeak = large.peakRss()
const first = await routeExport(large)
const largePeak = large.peakRss()

// Rate: plain and route runs interleaved (the machine is shared: load changes from second to second).
const plain = []
const routed = [first]
for (let round = 0; round < 3; round++) {
  plain.push(plainExport())
  if (round > 0) routed.push(await routeExport(large))
}
const gzip = await routeExport(large, '&gzip=1')
const peakAfterAll = large.peakRss()
large.stop()
const bestPlain = Math.max(...plain.map(rate))
const bestRoute = Math.max(...routed.map(rate))
const cpuRatio = median(routed.map(cpuRate)) / median(plain.map(cpuRate))

const ratio = median(routed.map(rate)) / median(plain.map(rate))
const bestRatio = bestRoute / bestPlain
const delta = (largePeak - smallPeak) / MiB
console.log(`
rows: ${fmt(ROWS)} (memory comparison: ${fmt(SMALL)} vs ${fmt(ROWS)})
plain node:sqlite → CSV → /dev/null:  ${plain.map((r) => `${fmt(rate(r))} rows/s`).join(', ')}  (${(plain[0].bytes / MiB).toFixed(1)} MiB)
route GET /api/jobs/export (HTTP):    ${routed.map((r) => `${fmt(rate(r))} rows/s`).join(', ')}  (${(first.bytes / MiB).toFixed(1)} MiB)
route, gzip:                          ${fmt(rate(gzip))} rows/s  (${(gzip.bytes / MiB).toFixed(1)} MiB compressed)
rows per CPU-second (median):         plain ${fmt(median(plain.map(cpuRate)))}, route server ${fmt(median(routed.map(cpuRate)))}
route / plain, wall clock (medians):   ${(ratio * 100).toFixed(0)} %   target >= 80 %  ${ratio >= 0.8 ? 'MET' : 'NOT MET'}   (best runs: ${(bestRatio * 100).toFixed(0)} %)
route / plain, CPU time (medians):     ${(cpuRatio * 100).toFixed(0)} %   (load-independent)
server peak RSS: idle ${(idlePeak / MiB).toFixed(1)} MiB, ${fmt(SMALL)} rows ${(smallPeak / MiB).toFixed(1)} MiB, ${fmt(ROWS)} rows ${(largePeak / MiB).toFixed(1)} MiB
difference ${fmt(ROWS)} − ${fmt(SMALL)} rows: ${delta.toFixed(1)} MiB   target <= 32 MiB  ${delta <= 32 ? 'MET' : 'NOT MET'}
same server after ${routed.length + 1} exports of ${fmt(ROWS)} rows: peak ${(peakAfterAll / MiB).toFixed(1)} MiB (flat: ${((peakAfterAll - largePeak) / MiB).toFixed(1)} MiB more than after the first)
${process.env.BENCH_SERVER_NODE_OPTIONS ? `server NODE_OPTIONS: ${process.env.BENCH_SERVER_NODE_OPTIONS}\n` : ''}(${smallRun.rows === SMALL && first.rows === ROWS && first.bytes === plain[0].bytes ? 'row counts and bytes checked' : 'ROW COUNTS OR BYTES DIFFER'}; ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}, node ${process.version})`)
const resultsDir = process.env.BENCH_RESULTS_DIR ?? path.join(import.meta.dirname, 'results')
await mkdir(resultsDir, { recursive: true })
await writeFile(
  path.join(resultsDir, `export-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
  JSON.stringify(
    {
      rows: ROWS,
      plainRowsPerSecond: plain.map(rate),
      routeRowsPerSecond: routed.map(rate),
      ratio,
      cpuRatio,
      largePeak,
      smallPeak,
      loadavg: os.loadavg(),
    },
    null,
    2,
  ),
)
process.exit(0)
