// Durable streams benchmark: Sluice (production build) against the protocol's Node reference server
// (@durable-streams/server, file-backed), in one run, on the same machine, with the same client code.
//
//   npm run build && npm run bench:durable        (= node bench/durable.mjs, with Node 24 on the PATH)
//
// Figures: appends/s of 100-byte messages (one writer; 16 concurrent writers), catch-up read MB/s of a
// 100 MB stream, append-to-delivery latency p50/p99 for a live SSE reader at 200 appends/s, and the
// server's resident memory while a 100 MB and a 1 GB stream are read. Sizes can be scaled down with
// BENCH_* variables (see below; BENCH_PARTS and BENCH_TARGETS select what runs); results also go to
// bench/results/ as JSON.
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { createParser } from 'eventsource-parser'
import { freePort, startServer } from '../test/support/server.ts'
import { percentile, rssBytes } from './measure.mjs'

const env = process.env
const SEQUENTIAL = Number(env.BENCH_SEQUENTIAL ?? 2_000)
const CONCURRENT = Number(env.BENCH_CONCURRENT ?? 8_000)
const WRITERS = 16
const CATCHUP_MB = Number(env.BENCH_CATCHUP_MB ?? 100)
const BIG_MB = Number(env.BENCH_BIG_MB ?? 1_024)
const LATENCY_SECONDS = Number(env.BENCH_LATENCY_SECONDS ?? 10)
const RATE = Number(env.BENCH_RATE ?? 200)
const TARGETS = (env.BENCH_TARGETS ?? 'sluice,reference,sluice-fsync').split(',')
const PARTS = new Set((env.BENCH_PARTS ?? 'appends,catchup,latency,memory').split(','))
const MESSAGE = 'x'.repeat(100)
const MB = 1024 * 1024

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const rssMb = async (pid) => (await rssBytes(pid)) / MB

async function startTarget(name) {
  if (name.startsWith('sluice')) {
    const server = await startServer({ env: { SLUICE_STREAMS_DURABILITY: name === 'sluice-fsync' ? 'fsync' : 'process' } })
    const { pid } = await (await fetch(`${server.baseUrl}/api/health`)).json() // the serving process
    return { baseUrl: server.baseUrl, pid, stop: () => server.stop(), output: () => server.output() }
  }
  const port = await freePort()
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ds-reference-'))
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'reference-server.mjs'), String(port), dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stderr.on('data', (d) => (output += d))
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('ready') && resolve())
    child.once('exit', (code) => reject(new Error(`reference server exited with ${code}`)))
  })
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

let streamCount = 0
async function create(baseUrl, contentType) {
  const url = `${baseUrl}/v1/stream/bench/s${++streamCount}-${Date.now()}`
  const res = await fetch(url, { method: 'PUT', headers: { 'Content-Type': contentType } })
  if (res.status !== 201) throw new Error(`create: HTTP ${res.status}`)
  return url
}

/** Network errors (a reset keep-alive connection, say) are retried and reported, HTTP errors are not. */
let networkRetries = 0
const networkErrors = {}
async function append(url, body, contentType = 'text/plain') {
  for (let attempt = 1; ; attempt++) {
    let res
    try {
      res = await fetch(url, { method: 'POST', headers: { 'Content-Type': contentType }, body })
    } catch (error) {
      if (attempt === 3) throw error
      networkRetries++
      const code = error.cause?.code ?? error.cause?.message ?? String(error)
      networkErrors[code] = (networkErrors[code] ?? 0) + 1
      continue
    }
    if (!res.ok) throw new Error(`append: HTTP ${res.status} ${await res.text()}`)
    await res.arrayBuffer()
    return
  }
}

async function appendsPerSecond(baseUrl, total, writers) {
  const url = await create(baseUrl, 'text/plain')
  const start = performance.now()
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let i = 0; i < total / writers; i++) await append(url, MESSAGE)
    }),
  )
  return total / ((performance.now() - start) / 1000)
}

async function fill(url, megabytes, chunkBytes) {
  const chunk = Buffer.alloc(chunkBytes)
  for (let i = 0; i < chunkBytes; i++) chunk[i] = (i * 31 + 7) & 0xff
  for (let written = 0; written < megabytes * MB; written += chunkBytes) await append(url, chunk, 'application/octet-stream')
}

/** Reads a whole stream with catch-up GETs, following Stream-Next-Offset, sampling server memory. */
async function readAll(url, pid) {
  let offset = '-1'
  let bytes = 0
  let peak = await rssMb(pid)
  const sampler = setInterval(() => void rssMb(pid).then((mb) => (peak = Math.max(peak, mb))), 50)
  const start = performance.now()
  try {
    for (;;) {
      const res = await fetch(`${url}?offset=${offset}`)
      for await (const chunk of res.body) bytes += chunk.byteLength
      offset = res.headers.get('Stream-Next-Offset')
      if (res.headers.get('Stream-Up-To-Date') === 'true') break
    }
  } finally {
    clearInterval(sampler)
  }
  return { mbPerSecond: bytes / MB / ((performance.now() - start) / 1000), bytes, peakRssMb: Math.max(peak, await rssMb(pid)) }
}

/** A live SSE reader at the tail; a writer appends its send time 200 times a second. */
async function deliveryLatency(baseUrl) {
  const url = await create(baseUrl, 'text/plain')
  const latencies = []
  const controller = new AbortController()
  const res = await fetch(`${url}?offset=now&live=sse`, { signal: controller.signal })
  let connected
  const ready = new Promise((resolve) => (connected = resolve))
  const parser = createParser({
    onEvent(event) {
      if (event.event === 'control') connected()
      if (event.event !== 'data') return
      const now = performance.now()
      for (const match of event.data.matchAll(/t=([\d.]+);/g)) latencies.push(now - Number(match[1]))
    },
  })
  const reading = (async () => {
    const decoder = new TextDecoder()
    try {
      for await (const chunk of res.body) parser.feed(decoder.decode(chunk, { stream: true }))
    } catch {
      // aborted at the end
    }
  })()
  await ready
  const total = RATE * LATENCY_SECONDS
  const start = performance.now()
  const sends = []
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE
    if (due > performance.now()) await sleep(due - performance.now())
    sends.push(append(url, `t=${performance.now()};`))
  }
  await Promise.all(sends)
  const deadline = performance.now() + 10_000
  while (latencies.length < total && performance.now() < deadline) await sleep(20)
  controller.abort()
  await reading
  return { delivered: latencies.length, sent: total, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) }
}

/**
 * All targets run at once and every figure is taken for each target back to back, so that they
 * share the machine's conditions (it may be busy with other work).
 */
const targets = []
for (const name of TARGETS) targets.push({ name, server: await startTarget(name), result: { target: name }, reads: [], streams: {} })
const phase = (label) => console.error(`${new Date().toISOString().slice(11, 19)} ${label}`)

async function each(label, work, { writesOnly = true } = {}) {
  for (const t of targets) {
    if (!writesOnly && t.name === 'sluice-fsync') continue // the durability mode only changes writes
    phase(`${label}: ${t.name}`)
    networkRetries = 0
    try {
      await work(t)
    } catch (error) {
      console.error(`${t.name} failed; its output ends with:\n${t.server.output().slice(-3000)}`)
      throw error
    }
    if (networkRetries > 0) t.result[`${label}NetworkRetries`] = { ...networkErrors }
    for (const key of Object.keys(networkErrors)) delete networkErrors[key]
  }
}

try {
  if (PARTS.has('appends')) {
    await each('appends-1', async (t) => (t.result.appendsPerSecondSequential = await appendsPerSecond(t.server.baseUrl, SEQUENTIAL, 1)))
    await each('appends-16', async (t) => (t.result.appendsPerSecond16Writers = await appendsPerSecond(t.server.baseUrl, CONCURRENT, WRITERS)))
  }
  if (PARTS.has('catchup')) {
    const options = { writesOnly: false }
    await each('catch-up fill', async (t) => {
      t.streams.catchUp = await create(t.server.baseUrl, 'application/octet-stream')
      await fill(t.streams.catchUp, CATCHUP_MB, 64 * 1024)
      t.result.idleRssMb = await rssMb(t.server.pid)
    }, options)
    for (let round = 0; round < 3; round++) await each('catch-up read', async (t) => t.reads.push(await readAll(t.streams.catchUp, t.server.pid)), options)
    for (const t of targets) if (t.reads.length) t.result.catchUpMbPerSecond = t.reads.map((r) => r.mbPerSecond).sort((a, b) => a - b)[1]
  }
  if (PARTS.has('latency')) await each('latency', async (t) => (t.result.latency = await deliveryLatency(t.server.baseUrl)), { writesOnly: false })
  if (PARTS.has('memory')) {
    await each('large read', async (t) => {
      const big = await create(t.server.baseUrl, 'application/octet-stream')
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
    }, { writesOnly: false })
  }
} finally {
  for (const t of targets) await t.server.stop()
}

const fmt = (n, digits = 0) => (n === undefined ? '—' : n.toFixed(digits))
const results = targets.map((t) => t.result)
console.error(JSON.stringify(results, null, 2))
console.log(`\nnode ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), ${CATCHUP_MB} MB catch-up, ${BIG_MB} MB large read`)
console.log(
  `| target | appends/s (1 writer) | appends/s (16 writers) | catch-up MB/s | SSE latency p50 / p99 (ms) | RSS idle → peak reading ${CATCHUP_MB} MB | RSS before → peak reading ${BIG_MB} MB |`,
)
console.log('|---|---|---|---|---|---|---|')
for (const r of results) {
  const m = r.memory
  console.log(
    `| ${r.target} | ${fmt(r.appendsPerSecondSequential)} | ${fmt(r.appendsPerSecond16Writers)} | ${fmt(r.catchUpMbPerSecond)} | ${r.latency ? `${fmt(r.latency.p50, 1)} / ${fmt(r.latency.p99, 1)}` : '—'} | ${m ? `${fmt(m.idleRssMb)} → ${fmt(m.peakRssMbReading100)} MB` : '—'} | ${m ? `${fmt(m.idleRssMbBefore1GB)} → ${fmt(m.peakRssMbReading1GB)} MB` : '—'} |`,
  )
}
await mkdir(path.join(import.meta.dirname, 'results'), { recursive: true })
const file = path.join(import.meta.dirname, 'results', `durable-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
await writeFile(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2))
console.log(`\n(${file})`)
