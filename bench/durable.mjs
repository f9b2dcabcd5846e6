// Durable streams benchmark: Sluice (production build) against the protocol's Node reference server
// (@durable-streams/server, file-backed), in one run, on the same machine, with the same client code.
//
//   npm run build && npm run bench:durable        (= node bench/durable.mjs, with Node 24 on the PATH)
//
// Figures: appends/s of 100-byte messages (one writer; 16 concurrent writers), catch-up read MB/s of a
// 100 MB stream, append-to-delivery latency p50/p99 for a live SSE reader at 200 appends/s, and the
// server's resident memory while a 100 MB and a 1 GB stream are read. Sizes can be scaled down with
// BENCH_* variables (see below; BENCH_PARTS and BENCH_TARGETS select what runs); results also go to
// bench/results/ (or BENCH_RESULTS_DIR) as JSON. BENCH_BASELINE=<dir of another checkout, built> adds
// its build as the targets `base` and `base-fsync` (before/after figures in one interleaved run).
// Each append figure also gives the serving process's CPU time per append (/proc/<pid>/stat).
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { freePort, startServer } from '../test/support/server.ts'
import { APP_ROUTER_TWIN } from '../test/support/transport.ts'
import { cpuMs } from './measure.mjs'
import {
  BIG_MB,
  CATCHUP_MB,
  CONCURRENT,
  LATENCY_SECONDS,
  PRODUCER_ITEMS,
  RATE,
  SEQUENTIAL,
  WRITERS,
  appendsPerSecond,
  createStream,
  deliveryLatency,
  fill,
  MB,
  rssMb,
  networkErrors,
  producerAppendsPerSecond,
  readAll,
  streamUrl,
} from './durable-client.mjs'

const env = process.env
const TARGETS = (
  env.BENCH_TARGETS ?? `sluice,reference,sluice-fsync,sluice-app-router${env.BENCH_BASELINE ? ',base,base-fsync' : ''}`
).split(',')
const ROUNDS = Number(env.BENCH_ROUNDS ?? 3)
const PARTS = new Set((env.BENCH_PARTS ?? 'appends,producer,catchup,latency,memory').split(','))
/**
 * BENCH_SLOW_DISK_MS=5: every server (Sluice's and the reference) runs under `strace`, which makes
 * each of its `fdatasync`/`fsync` calls take that much longer — a slow disk (a network volume) on a
 * machine whose disk flushes in a fraction of a millisecond. Only those calls are stopped
 * (`--seccomp-bpf`), so the rest of each server runs at full speed. Needs `strace`.
 */
const SLOW_DISK_MS = Number(env.BENCH_SLOW_DISK_MS ?? 0)
const slowDisk =
  SLOW_DISK_MS > 0
    ? [
        'strace',
        '-f',
        '--seccomp-bpf',
        '-o',
        '/dev/null',
        '-e',
        'trace=fdatasync,fsync',
        '-e',
        `inject=fdatasync,fsync:delay_exit=${SLOW_DISK_MS * 1000}`,
      ]
    : []
/**
 * The public `/v1/stream/` is served by a Pages API route (`pages/api/node/v1/stream/[...path].ts`).
 * Two targets send their appends to another transport of the same build: `sluice-app-router` to the
 * App Router twin, with the header that selects it (`next.config.ts`), and `sluice-direct` (not run
 * by default) to the Pages API route's own URL, `/api/node/v1/stream/<path>` — the same route
 * without the rewrite, what the rewrite costs.
 */
const transportTarget = (name) => name.endsWith('-app-router') || name.endsWith('-direct')
/** Targets that differ from another only in how writes are handled: reads are not measured twice. */
const writesOnlyTarget = (name) => name.endsWith('-fsync') || transportTarget(name)
const appendHeaders = (name) => (name.endsWith('-app-router') ? APP_ROUTER_TWIN : {})
const appendBase = (t) => (t.name.endsWith('-direct') ? `${t.server.baseUrl}/api/node` : t.server.baseUrl)

async function startTarget(name) {
  if (name.startsWith('sluice') || name.startsWith('base')) {
    const root = name.startsWith('base') ? path.resolve(/** @type {string} */ (env.BENCH_BASELINE)) : undefined
    const server = await startServer({
      root,
      prefix: slowDisk,
      env: { SLUICE_STREAMS_DURABILITY: name.endsWith('-fsync') ? 'fsync' : 'process' },
    })
    const { pid } = await (await fetch(`${server.baseUrl}/api/health`)).json() // the serving process
    return { baseUrl: server.baseUrl, pid, stop: () => server.stop(), output: () => server.output() }
  }
  const port = await freePort()
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ds-reference-'))
  const [program, ...args] = [...slowDisk, process.execPath, path.join(import.meta.dirname, 'reference-server.mjs'), String(port), dataDir]
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stderr.on('data', (d) => (output += d))
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('ready') && resolve(undefined))
    child.once('exit', (code) => reject(new Error(`reference server exited with ${code}`)))
  })
  // Under strace the server is strace's child: its CPU is what the figures count.
  const spawned = /** @type {number} */ (child.pid)
  const pid = slowDisk.length > 0 ? Number(readFileSync(`/proc/${spawned}/task/${spawned}/children`, 'utf8').trim().split(' ')[0]) : spawned
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid,
    output: () => output,
    stop: async () => {
      if (pid !== spawned) process.kill(pid, 'SIGTERM')
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * All targets run at once and every figure is taken for each target back to back, so that they
 * share the machine's conditions (it may be busy with other work).
 */
/** @type {Array<{ name: string, server: Awaited<ReturnType<typeof startTarget>>, result: Record<string, any>, reads: Array<{ mbPerSecond: number }>, streams: Record<string, string> }>} */
const targets = []
for (const name of TARGETS) targets.push({ name, server: await startTarget(name), result: { target: name }, reads: [], streams: {} })
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const phase = (label) => console.error(`${new Date().toISOString().slice(11, 19)} ${label}`)

async function each(label, work, { writesOnly = true } = {}) {
  for (const t of targets) {
    if (!writesOnly && writesOnlyTarget(t.name)) continue // the durability mode and the transport twin only change writes
    phase(`${label}: ${t.name}`)
    try {
      await work(t)
    } catch (error) {
      console.error(`${t.name} failed; its output ends with:\n${t.server.output().slice(-3000)}`)
      throw error
    }
    if (Object.keys(networkErrors).length > 0) t.result[`${label}NetworkRetries`] = { ...networkErrors }
    for (const key of Object.keys(networkErrors)) delete networkErrors[key]
  }
}

try {
  if (PARTS.has('appends')) {
    // Rounds interleave the targets (every target once per round); each figure is the median.
    const rounds = { seq: new Map(), seqCpu: new Map(), conc: new Map(), concCpu: new Map() }
    const push = (map, t, value) => map.set(t, [...(map.get(t) ?? []), value])
    for (let round = 0; round < ROUNDS; round++) {
      await each('appends-1', async (t) => {
        const cpu = await cpuMs(t.server.pid)
        push(rounds.seq, t, await appendsPerSecond([appendBase(t)], SEQUENTIAL, 1, appendHeaders(t.name)))
        push(rounds.seqCpu, t, ((await cpuMs(t.server.pid)) - cpu) / SEQUENTIAL)
      })
      await each('appends-16', async (t) => {
        const cpu = await cpuMs(t.server.pid)
        push(rounds.conc, t, await appendsPerSecond([appendBase(t)], CONCURRENT, WRITERS, appendHeaders(t.name)))
        push(rounds.concCpu, t, ((await cpuMs(t.server.pid)) - cpu) / CONCURRENT)
      })
    }
    for (const t of targets) {
      t.result.appendsPerSecondSequential = median(rounds.seq.get(t))
      t.result.cpuMsPerAppendSequential = median(rounds.seqCpu.get(t))
      t.result.appendsPerSecond16Writers = median(rounds.conc.get(t))
      t.result.cpuMsPerAppend16Writers = median(rounds.concCpu.get(t))
      t.result.appendRounds = { sequential: rounds.seq.get(t), concurrent: rounds.conc.get(t) }
    }
  }
  if (PARTS.has('producer')) {
    // The official client's IdempotentProducer (batched, pipelined), interleaved rounds, medians.
    const runs = new Map()
    for (let round = 0; round < ROUNDS; round++)
      await each('producer', async (t) => {
        if (transportTarget(t.name)) return // the producer writes to the public URL
        runs.set(t, [...(runs.get(t) ?? []), await producerAppendsPerSecond(t.server.baseUrl, PRODUCER_ITEMS)])
      })
    for (const [t, values] of runs) {
      t.result.producerAppendsPerSecond = median(values)
      t.result.producerRounds = values
    }
  }
  if (PARTS.has('catchup')) {
    const options = { writesOnly: false }
    await each(
      'catch-up fill',
      async (t) => {
        t.streams.catchUp = streamUrl(t.server.baseUrl, await createStream(t.server.baseUrl, 'application/octet-stream'))
        await fill(t.streams.catchUp, CATCHUP_MB, 64 * 1024)
        t.result.idleRssMb = await rssMb(t.server.pid)
      },
      options,
    )
    for (let round = 0; round < 3; round++)
      await each('catch-up read', async (t) => t.reads.push(await readAll(t.streams.catchUp, t.server.pid)), options)
    for (const t of targets) if (t.reads.length) t.result.catchUpMbPerSecond = t.reads.map((r) => r.mbPerSecond).sort((a, b) => a - b)[1]
  }
  if (PARTS.has('latency'))
    await each(
      'latency',
      async (t) =>
        (t.result.latency = await deliveryLatency({
          writeBaseUrl: t.server.baseUrl,
          readBaseUrl: t.server.baseUrl,
          rate: RATE,
          seconds: LATENCY_SECONDS,
        })),
      { writesOnly: false },
    )
  if (PARTS.has('memory')) {
    await each(
      'large read',
      async (t) => {
        const big = streamUrl(t.server.baseUrl, await createStream(t.server.baseUrl, 'application/octet-stream'))
        await fill(big, BIG_MB, 4 * MB)
        const before = await rssMb(t.server.pid)
        const read = await readAll(big, t.server.pid)
        t.result.memory = {
          idleRssMb: t.result.idleRssMb,
          peakRssMbReading100: t.reads.length ? Math.max(...t.reads.map((r) => r.peakRssMb)) : undefined,
          idleRssMbBefore1GB: before,
          peakRssMbReading1GB: read.peakRssMb,
          read1GBMbPerSecond: read.mbPerSecond,
          bytesRead1GB: read.bytes,
        }
      },
      { writesOnly: false },
    )
  }
} finally {
  for (const t of targets) await t.server.stop()
}

const fmt = (n, digits = 0) => (n === undefined ? '—' : n.toFixed(digits))
const results = targets.map((t) => t.result)
console.error(JSON.stringify(results, null, 2))
console.log(
  `\nload average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(
      ' ',
    )}; node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), ${CATCHUP_MB} MB catch-up, ${BIG_MB} MB large read`,
)
console.log(
  `| target | appends/s (1 writer) | appends/s (16 writers) | CPU ms per append (1 / 16 writers) | IdempotentProducer appends/s (${PRODUCER_ITEMS} × 100 B) | catch-up MB/s | SSE latency p50 / p99 from the send (ms), lost | RSS idle → peak reading ${CATCHUP_MB} MB | RSS before → peak reading ${BIG_MB} MB |`,
)
console.log('|---|---|---|---|---|---|---|---|---|')
for (const r of results) {
  const m = r.memory
  console.log(
    `| ${r.target} | ${fmt(r.appendsPerSecondSequential)} | ${fmt(r.appendsPerSecond16Writers)} | ${fmt(r.cpuMsPerAppendSequential, 2)} / ${fmt(r.cpuMsPerAppend16Writers, 2)} | ${fmt(r.producerAppendsPerSecond)} | ${fmt(r.catchUpMbPerSecond)} | ${r.latency ? `${fmt(r.latency.p50, 1)} / ${fmt(r.latency.p99, 1)}, lost ${r.latency.sent - r.latency.delivered} of ${r.latency.sent}` : '—'} | ${m ? `${fmt(m.idleRssMb)} → ${fmt(m.peakRssMbReading100)} MB` : '—'} | ${m ? `${fmt(m.idleRssMbBefore1GB)} → ${fmt(m.peakRssMbReading1GB)} MB` : '—'} |`,
  )
}
const resultsDir = env.BENCH_RESULTS_DIR ?? path.join(import.meta.dirname, 'results')
await mkdir(resultsDir, { recursive: true })
const file = path.join(resultsDir, `durable-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
await writeFile(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2))
console.log(`\n(${file})`)
