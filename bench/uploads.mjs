#!/usr/bin/env node
// Upload throughput and memory, in one run:
//   1 GiB with `curl -T file -N` to Sluice (the production build), to a plain node:http server doing
//   the same work (bench/uploads-plain-server.mjs), and to document 000's Bun server
//   (bench/uploads-bun-server.js, run with `npx -y bun@1.4.5`: nothing is added to package.json);
//   `cp`, and `cp` + `sync`, of the same file as the disk's limit; then Sluice's peak RSS during a
//   10 MiB and during a 1 GiB upload.
//
// Also: the plain server reading its body as a Web Request body (as a route handler gets it), to
// show where the time goes (docs/uploads.md).
//
// Usage: npm run build && node bench/uploads.mjs [--size-mib=1024] [--runs=3] [--no-bun] [--baseline=DIR] [--node-flags=FLAGS]
// --baseline=DIR also runs the production build of another checkout (e.g. a worktree of main) as
// "Sluice (baseline)", interleaved with the others, for before/after figures in one run.
// --node-flags=FLAGS (comma-separated) also runs this build with those node/V8 flags as "Sluice +
// flags", interleaved, its memory measured too: e.g.
// --node-flags=--external-memory-accounted-in-global-limit (docs/uploads.md, "Where the full GCs
// come from"; such V8 flags are refused in NODE_OPTIONS, so they go on the command line).
// Figures, not assertions: it prints a table and writes bench/results/uploads-<time>.json (or into BENCH_RESULTS_DIR).
import { spawn } from 'node:child_process'
import { createHash, randomFillSync } from 'node:crypto'
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback
const MiB = 1024 * 1024
const SIZE = Number(arg('size-mib', '1024')) * MiB
const SMALL = 10 * MiB
const RUNS = Number(arg('runs', '3'))
const WITH_BUN = !process.argv.includes('--no-bun')
const BASELINE = arg('baseline', undefined)
const NODE_FLAGS = arg('node-flags', '')
  .split(',')
  .filter((f) => f !== '')

const work = await mkdtemp(path.join(os.tmpdir(), 'sluice-bench-uploads-'))
const children = []
// Each server runs in its own process group (npx starts bun as a grandchild): kill the groups on exit.
process.on('exit', () => {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
})

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (s.address())
      s.close(() => resolve(port))
    })
  })
}

/** Runs a command to completion; resolves with its exit code, output and the elapsed ms. */
function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.once('error', reject)
    child.once('exit', (code) => resolve({ code, out, err, ms: performance.now() - started }))
  })
}

/** Writes `size` bytes (8 MiB of randomness, each block stamped differently) and returns their SHA-256. */
async function makeFile(file, size) {
  const block = randomFillSync(Buffer.alloc(8 * MiB))
  const hash = createHash('sha256')
  const handle = await open(file, 'w')
  for (let written = 0; written < size;) {
    block.writeUInt32LE(written / MiB, 0)
    const chunk = block.subarray(0, Math.min(block.byteLength, size - written))
    await handle.write(chunk)
    hash.update(chunk)
    written += chunk.byteLength
  }
  await handle.close()
  return hash.digest('hex')
}

/** Starts a server, waits until `readyPath` answers, and returns how to upload to it. */
async function startServer({ label, cmd, args, env, readyPath, uploadPath, hashes, files = (dir) => dir, cwd = root }) {
  const port = await freePort()
  const dir = path.join(work, label.replace(/\W+/g, '-'))
  await mkdir(dir, { recursive: true })
  const child = spawn(cmd, args(port), {
    cwd,
    env: { ...process.env, PORT: String(port), UPLOAD_DIR: dir, ...env(dir) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  children.push(child)
  let log = ''
  child.stdout.on('data', (d) => (log += d))
  child.stderr.on('data', (d) => (log += d))
  const base = `http://127.0.0.1:${port}`
  for (const deadline = Date.now() + 180_000; ; await new Promise((r) => setTimeout(r, 200))) {
    if (child.exitCode !== null) throw new Error(`${label} exited:\n${log}`)
    if (
      await fetch(`${base}${readyPath}`).then(
        () => true,
        () => false,
      )
    )
      break
    if (Date.now() > deadline) throw new Error(`${label} did not start:\n${log}`)
  }
  return { label, pid: child.pid, files: files(dir), url: (name) => `${base}${uploadPath}${name}`, hashes }
}

/** Uploads `file` with `curl -T file -N`, checks the final line (and the SHA-256 if the server reports one), and removes what was stored. */
/** @param {any} server @param {{ file: string, sha256?: string }} upload @param {string} name */
async function curlUpload(server, { file, sha256 }, name) {
  const out = path.join(work, 'curl-out.txt')
  // One cookie jar per server, one visitor: uploads belong to whoever made them, and a later upload
  // of the same name by another visitor (a curl without the jar) is refused with 403. (Cookies are
  // not told apart by port, so two Sluice servers on 127.0.0.1 need a jar each.)
  const jar = path.join(work, `cookies-${(server.jar ?? server.label).replace(/\W+/g, '-')}.txt`)
  const result = await run('curl', [
    '-sS',
    '-N',
    ...(server.curlArgs ?? []),
    '-b',
    jar,
    '-c',
    jar,
    '-T',
    file,
    '-o',
    out,
    '-w',
    '%{http_code}',
    server.url(name),
  ])
  const lines = (await readFile(out, 'utf8')).trim().split('\n')
  const last = lines.at(-1) ?? ''
  if (
    result.code !== 0 ||
    result.out !== '200' ||
    !last.startsWith('Upload complete') ||
    (server.hashes && !last.endsWith(` sha256 ${sha256}`))
  ) {
    throw new Error(`${server.label}: curl ${result.code}, HTTP ${result.out}, last line ${lines.at(-1)}\n${result.err}`)
  }
  for (const stored of await readdir(server.files)) if (!stored.startsWith('.')) await rm(path.join(server.files, stored))
  return { ms: result.ms, progressLines: lines.length - 1 }
}

/** Peak RSS of a process since the last reset (VmHWM), in MiB. */
async function peakRss(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/** @type {RegExpExecArray} */ (/VmHWM:\s+(\d+) kB/.exec(status))[1]) / 1024
}

/** Resets a process's peak RSS to its current RSS (Linux: 5 > /proc/<pid>/clear_refs). */
async function resetPeak(pid) {
  await writeFile(`/proc/${pid}/clear_refs`, '5')
}

const mbps = (bytes, ms) => bytes / MiB / (ms / 1000)

console.log(`node ${process.version}, ${os.cpus().length} CPUs, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, work dir ${work}`)
/** @type {{ file: string, sha256?: string }} */
const source = { file: path.join(work, 'source.bin') }
source.sha256 = await makeFile(source.file, SIZE)
/** @type {{ file: string, sha256?: string }} */
const small = { file: path.join(work, 'small.bin') }
small.sha256 = await makeFile(small.file, SMALL)
console.log(`source: ${SIZE / MiB} MiB, sha256 ${source.sha256}\n`)

const sluice = await startServer({
  label: 'Sluice',
  cmd: process.execPath,
  args: (port) => [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)],
  env: (dir) => ({ NODE_ENV: 'production', SLUICE_DATA_DIR: dir, SLUICE_UPLOAD_MAX_BYTES: String(64 * 1024 ** 3) }),
  files: (dir) => path.join(dir, 'uploads'),
  readyPath: '/api/health',
  uploadPath: '/api/uploads/',
  hashes: true,
})
const plain = await startServer({
  label: 'node:http',
  cmd: process.execPath,
  args: () => [path.join(root, 'bench/uploads-plain-server.mjs')],
  env: () => ({}),
  readyPath: '/',
  uploadPath: '/',
  hashes: true,
})
const plainWeb = await startServer({
  label: 'node:http+Web',
  cmd: process.execPath,
  args: () => [path.join(root, 'bench/uploads-plain-server.mjs')],
  env: () => ({ BODY: 'web' }),
  readyPath: '/',
  uploadPath: '/',
  hashes: true,
})
// "Sluice" is the App Router route (app/api/uploads/[name]/route.ts, reached with X-Sluice-Transport:
// app-router); "Sluice, Pages API" is the same process through the public URL, which is rewritten to
// the Pages API route that hands the handler the raw Node request (pages/api/node/uploads/[name].ts):
// the App Router's Web body against Node's, nothing else different. (A baseline build from before
// the move serves its public URL with the App Router.)
sluice.curlArgs = ['-H', 'X-Sluice-Transport: app-router']
const sluicePages = { ...sluice, label: 'Sluice, Pages API', jar: sluice.label, curlArgs: [] }
const servers = [sluice, sluicePages, plain, plainWeb]
if (BASELINE) {
  const baseline = path.resolve(BASELINE)
  servers.splice(
    1,
    0,
    await startServer({
      label: 'Sluice (baseline)',
      cwd: baseline,
      cmd: process.execPath,
      args: (port) => [path.join(baseline, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)],
      env: (dir) => ({ NODE_ENV: 'production', SLUICE_DATA_DIR: dir, SLUICE_UPLOAD_MAX_BYTES: String(64 * 1024 ** 3) }),
      files: (dir) => path.join(dir, 'uploads'),
      readyPath: '/api/health',
      uploadPath: '/api/uploads/',
      hashes: true,
    }),
  )
}
/** @type {any} */
let flagged
if (NODE_FLAGS.length > 0) {
  flagged = await startServer({
    label: 'Sluice + flags',
    cmd: process.execPath,
    args: (port) => [...NODE_FLAGS, path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)],
    env: (dir) => ({ NODE_ENV: 'production', SLUICE_DATA_DIR: dir, SLUICE_UPLOAD_MAX_BYTES: String(64 * 1024 ** 3) }),
    files: (dir) => path.join(dir, 'uploads'),
    readyPath: '/api/health',
    uploadPath: '/api/uploads/',
    hashes: true,
  })
  console.log(`Sluice + flags: node ${NODE_FLAGS.join(' ')}`)
  servers.splice(1, 0, flagged)
}
if (WITH_BUN) {
  servers.push(
    await startServer({
      label: 'Bun (doc 000)',
      cmd: 'npx',
      args: () => ['-y', 'bun@1.4.5', path.join(root, 'bench/uploads-bun-server.js')],
      env: () => ({}),
      readyPath: '/',
      uploadPath: '/',
      hashes: false,
    }),
  )
}

// Warm up (route compilation, JIT, page cache of the source), then interleave the runs.
for (const server of servers) await curlUpload(server, small, 'warmup.bin')
const times = Object.fromEntries([...servers.map((s) => s.label), 'cp', 'cp + sync'].map((l) => [l, []]))
for (let i = 0; i < RUNS; i++) {
  for (const server of servers) {
    const { ms } = await curlUpload(server, source, 'big.bin')
    times[server.label].push(ms)
    console.log(`run ${i + 1}: ${server.label.padEnd(18)} ${mbps(SIZE, ms).toFixed(0).padStart(6)} MB/s`)
  }
  const copy = path.join(work, 'copy.bin')
  const cp = await run('cp', [source.file, copy])
  times.cp.push(cp.ms)
  await rm(copy)
  const cpSync = await run('sh', ['-c', `cp "${source.file}" "${copy}" && sync "${copy}"`])
  times['cp + sync'].push(cpSync.ms)
  await rm(copy)
  console.log(`run ${i + 1}: cp ${mbps(SIZE, cp.ms).toFixed(0)} MB/s, cp + sync ${mbps(SIZE, cpSync.ms).toFixed(0)} MB/s`)
}

// Memory: peak RSS during one upload of each size, the peak reset just before each (Sluice through
// both routes, and the plain server for comparison).
const memory = {}
/** @type {Array<[string, { file: string, sha256?: string }]>} */
const sizes = [
  ['10 MiB', small],
  [`${SIZE / MiB} MiB`, source],
]
if (SIZE > 256 * MiB) {
  /** @type {{ file: string, sha256?: string }} */
  const mid = { file: path.join(work, 'mid.bin') }
  mid.sha256 = await makeFile(mid.file, 256 * MiB)
  sizes.splice(1, 0, ['256 MiB', mid])
}
// The public URL (the Pages API route) first: its figure is the target's.
for (const server of [sluicePages, sluice, ...(flagged ? [flagged] : []), plain]) {
  memory[server.label] = {}
  for (const [label, file] of sizes) {
    await resetPeak(server.pid)
    await curlUpload(server, file, 'memory.bin')
    memory[server.label][label] = await peakRss(server.pid)
  }
}

const best = Object.fromEntries(Object.entries(times).map(([label, ms]) => [label, mbps(SIZE, Math.min(...ms))]))
const median = Object.fromEntries(
  Object.entries(times).map(([label, ms]) => [label, mbps(SIZE, [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)])]),
)
console.log(`\n${SIZE / MiB} MiB upload, best and median of ${RUNS} runs (MB = MiB):`)
for (const label of Object.keys(times))
  console.log(`  ${label.padEnd(18)} best ${best[label].toFixed(0).padStart(5)} MB/s   median ${median[label].toFixed(0).padStart(5)} MB/s`)
const ratio = median.Sluice / median['node:http']
console.log(`\nSluice / node:http (median): ${(ratio * 100).toFixed(0)} %   (the App Router twin)`)
console.log(`Sluice / node:http+Web (median): ${((median.Sluice / median['node:http+Web']) * 100).toFixed(0)} %`)
console.log(
  `Sluice, Pages API / node:http (median): ${((median['Sluice, Pages API'] / median['node:http']) * 100).toFixed(0)} %   (the public URL; target ≥ 90 %)`,
)
console.log(
  `Sluice, Pages API / Sluice (App Router) (median): ${(median['Sluice, Pages API'] / median.Sluice).toFixed(2)}×   (the route moves only at ≥ 1.30×)`,
)
if (BASELINE) console.log(`Sluice / Sluice (baseline) (median): ${(median.Sluice / median['Sluice (baseline)']).toFixed(2)}×`)
if (flagged) {
  console.log(
    `Sluice + flags / node:http (median): ${((median['Sluice + flags'] / median['node:http']) * 100).toFixed(0)} %   (node ${NODE_FLAGS.join(' ')})`,
  )
  console.log(`Sluice + flags / Sluice (median): ${(median['Sluice + flags'] / median.Sluice).toFixed(2)}×`)
}
console.log('\nPeak RSS (MiB) during one upload:')
for (const [label, peaks] of Object.entries(memory)) {
  const values = Object.values(peaks)
  const growth = values.at(-1) - values[0]
  console.log(
    `  ${label.padEnd(14)} ${Object.entries(peaks)
      .map(([size, mib]) => `${size}: ${mib.toFixed(1)}`)
      .join('   ')}   (${SIZE / MiB} MiB − 10 MiB: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)})`,
  )
}
console.log('  target: Sluice, Pages API (the public URL) 1 GiB − 10 MiB ≤ +32 MiB')
console.log(
  `load average during the run: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
)

const resultsDir = process.env.BENCH_RESULTS_DIR ?? path.join(root, 'bench/results')
await mkdir(resultsDir, { recursive: true })
const report = path.join(resultsDir, `uploads-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
await writeFile(
  report,
  JSON.stringify(
    {
      size: SIZE,
      runs: RUNS,
      nodeFlags: NODE_FLAGS,
      node: process.version,
      cpus: os.cpus().length,
      loadavg: os.loadavg(),
      times,
      best,
      median,
      memory,
    },
    null,
    2,
  ),
)
console.log(`\nwrote ${path.relative(root, report)}`)
await rm(work, { recursive: true, force: true })
process.exit(0)
