#!/usr/bin/env node
// Export benchmark: 1,000,000 rows as CSV through Sluice's route, in one run interleaved with two
// baselines: a plain node:http server serving the same bytes with the same lib/ code to the same
// client (bench/export-plain-server.mjs: like for like, the target's baseline), and a plain
// node:sqlite script writing the CSV to /dev/null (no HTTP, no client sharing the CPUs); and the
// server's peak memory for an export of 1,000,000 rows against one of 100,000 rows (each on a
// fresh server).
//
//   npm run build && npm run bench:export                 (ROWS=200000 ROUNDS=3 npm run bench:export for a quick run)
//   BENCH_SERVER_NODE_OPTIONS=--max-semi-space-size=2 npm run bench:export   (the servers with a capped young generation)
//
// Targets: route rate >= 80 % of the plain node:http server's as a median of ROUNDS (default 5)
// interleaved runs (issue 17; issue 6 asked 70 % of the plain script's best runs); peak RSS for
// 1,000,000 rows within 32 MiB of the peak for 100,000 rows.
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
const ROUNDS = Number(process.env.ROUNDS ?? 5)
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

/** The plain node:http baseline (bench/export-plain-server.mjs), on a free port of its own. */
async function startPlainServer() {
  const child = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', path.join(import.meta.dirname, 'export-plain-server.mjs')],
    {
      cwd: root,
      env: {
        ...process.env,
        SLUICE_DATA_DIR: dataDir,
        ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  servers.push(child)
  const output = { text: '' }
  child.stderr.on('data', (d) => (output.text += d))
  const port = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      output.text += d
      const match = /listening (\d+)/.exec(output.text)
      if (match) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`the plain server exited with ${code}:\n${output.text}`)))
  })
  return serverHandle(`http://127.0.0.1:${port}`, child, output, '/export?x=1')
}

function serverHandle(base, child, output, exportPath = '/api/jobs/export?format=csv') {
  return {
    base,
    exportPath,
    /** CPU time the server process has used so far (user + system), in ms. */
    cpuMs: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ')
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS
    },
    /** Peak resident memory of the server process so far (VmHWM), in bytes. */
    peakRss: () =>
      Number(/** @type {RegExpExecArray} */ (/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8')))[1]) * 1024,
    output: () => output.text,
    /** Stops the server and waits (up to 10 s) until it has exited, so that e.g. `--cpu-prof` gets written. */
    stop: () => {
      const exited = new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined)
        const timer = setTimeout(resolve, 10_000)
        child.once('exit', () => {
          clearTimeout(timer)
          resolve(undefined)
        })
      })
      child.kill('SIGTERM')
      return exited
    },
  }
}

/** Downloads the export with node:http (a light client: it shares the 2 CPUs with the server), discarding the bytes. */
function httpExport(server, query = '') {
  const base = server.base
  const started = performance.now()
  const cpuBefore = server.cpuMs()
  return new Promise((resolve, reject) => {
    // A fresh connection each time: the plain runs in between block this process for longer than
    // the server's keep-alive timeout, so a pooled socket would be closed under our feet.
    http
      .get(`${base}${server.exportPath}${query}`, { agent: false }, (response) => {
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
const smallRun = await httpExport(small, `&limit=${SMALL}`)
const smallPeak = small.peakRss()
await small.stop()

const large = await startServer()
const idlePeak = large.peakRss()
const first = await httpExport(large)
const largePeak = large.peakRss()
const plainServer = await startPlainServer()
await httpExport(plainServer, `&limit=${SMALL}`) // warm up, as the route was

// Rate: the three interleaved, in a different order each round (the machine is shared: load
// changes from second to second).
const plain = []
const plainHttp = []
const routed = []
for (let round = 0; round < ROUNDS; round++) {
  const steps = [
    async () => plain.push(plainExport()),
    async () => plainHttp.push(await httpExport(plainServer)),
    async () => routed.push(await httpExport(large)),
  ]
  for (let i = 0; i < steps.length; i++) await steps[(i + round) % steps.length]()
}
const gzip = await httpExport(large, '&gzip=1')
const peakAfterAll = large.peakRss()
await large.stop()
await plainServer.stop()
const cpuRatio = median(routed.map(cpuRate)) / median(plainHttp.map(cpuRate))

const ratio = median(routed.map(rate)) / median(plainHttp.map(rate))
const scriptRatio = median(routed.map(rate)) / median(plain.map(rate))
const delta = (largePeak - smallPeak) / MiB
const list = (runs) => runs.map((r) => fmt(rate(r))).join(', ')
console.log(`
rows: ${fmt(ROWS)} (memory comparison: ${fmt(SMALL)} vs ${fmt(ROWS)}), ${ROUNDS} interleaved rounds, rows/s:
route GET /api/jobs/export (next start):       ${list(routed)}  (${(first.bytes / MiB).toFixed(1)} MiB)
plain node:http, same lib/ code, same client:  ${list(plainHttp)}
plain node:sqlite script → /dev/null:          ${list(plain)}
route, gzip:                                   ${fmt(rate(gzip))}  (${(gzip.bytes / MiB).toFixed(1)} MiB compressed)
server rows per CPU-second (median):           route ${fmt(median(routed.map(cpuRate)))}, plain node:http ${fmt(median(plainHttp.map(cpuRate)))}, script ${fmt(median(plain.map(cpuRate)))}
route / plain node:http, wall clock (medians): ${(ratio * 100).toFixed(0)} %   target >= 80 %  ${ratio >= 0.8 ? 'MET' : 'NOT MET'}
route / plain node:http, server CPU (medians): ${(cpuRatio * 100).toFixed(0)} %   (load-independent)
route / script → /dev/null, wall clock:        ${(scriptRatio * 100).toFixed(0)} %   (not like for like: no HTTP, no client on the same CPUs)
server peak RSS: idle ${(idlePeak / MiB).toFixed(1)} MiB, ${fmt(SMALL)} rows ${(smallPeak / MiB).toFixed(1)} MiB, ${fmt(ROWS)} rows ${(largePeak / MiB).toFixed(1)} MiB
difference ${fmt(ROWS)} − ${fmt(SMALL)} rows: ${delta.toFixed(1)} MiB   target <= 32 MiB  ${delta <= 32 ? 'MET' : 'NOT MET'}
same server after ${routed.length + 2} exports of ${fmt(ROWS)} rows: peak ${(peakAfterAll / MiB).toFixed(1)} MiB (flat: ${((peakAfterAll - largePeak) / MiB).toFixed(1)} MiB more than after the first)
${process.env.BENCH_SERVER_NODE_OPTIONS ? `server NODE_OPTIONS: ${process.env.BENCH_SERVER_NODE_OPTIONS}\n` : ''}(${smallRun.rows === SMALL && first.rows === ROWS && first.bytes === plain[0].bytes && plainHttp.every((r) => r.rows === ROWS && r.bytes === first.bytes) ? 'row counts and bytes checked' : 'ROW COUNTS OR BYTES DIFFER'}; ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}, node ${process.version})`)
const resultsDir = process.env.BENCH_RESULTS_DIR ?? path.join(import.meta.dirname, 'results')
await mkdir(resultsDir, { recursive: true })
await writeFile(
  path.join(resultsDir, `export-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
  JSON.stringify(
    {
      rows: ROWS,
      plainRowsPerSecond: plain.map(rate),
      plainHttpRowsPerSecond: plainHttp.map(rate),
      routeRowsPerSecond: routed.map(rate),
      ratio,
      scriptRatio,
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
