// Scale-out benchmark: durable streams on the Redis store across two instances (writes through A,
// reads through B) against the embedded store on one instance, in one run, with the same client code.
//
//   npm run build && npm run bench:scale-out        (= node bench/scale-out.mjs, with Node 24 on the PATH)
//
// Figures: appends/s of 100-byte messages (one writer; 16 concurrent writers — split over A and B on
// Redis), catch-up read MB/s of a 100 MB stream, append-to-delivery latency p50/p99 for a live SSE
// reader at 200 appends/s (on the other instance for Redis; measured first, after a warm-up, both from
// sending the append and from its acknowledgement), and the reading instance's resident memory while it
// catches up on a 100 MB and a 1 GB stream.
// Targets (BENCH_TARGETS): `redis` (AOF, appendfsync always: what docs/scale-out.md requires) and
// `embedded` (default durability: survives a crash of the process) get every figure; `redis-everysec`
// (survives a crash of redis-server, not of the machine) and `embedded-fsync` (not run by default)
// only the write and latency figures, which are the ones durability changes.
// Sizes scale down with BENCH_* variables; results also go to bench/results/ (or BENCH_RESULTS_DIR) as JSON.
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createClient } from 'redis'
import { startRedis } from '../test/support/redis.ts'
import { startServer } from '../test/support/server.ts'
import {
  BIG_MB,
  CATCHUP_MB,
  CONCURRENT,
  LATENCY_SECONDS,
  RATE,
  SEQUENTIAL,
  WRITERS,
  appendsPerSecond,
  createStream,
  deliveryLatency,
  fill,
  MB,
  rssMb,
  readAll,
  streamUrl,
} from './durable-client.mjs'

const env = process.env
const TARGETS = (env.BENCH_TARGETS ?? 'embedded,redis,redis-everysec').split(',')

/** An instance of the production build, with the pid of the process that serves its requests. */
async function instance(env) {
  const server = await startServer({ env })
  const { pid } = await (await fetch(`${server.baseUrl}/api/health`)).json()
  return { baseUrl: server.baseUrl, pid, stop: () => server.stop() }
}

/** A deployment: `writer` takes appends, `reader` serves reads (the same instance when embedded). */
async function deploy(name) {
  if (name.startsWith('embedded')) {
    const server = await instance({ SLUICE_STREAMS_DURABILITY: name === 'embedded-fsync' ? 'fsync' : 'process' })
    return { writer: server, reader: server, other: server, redis: undefined, stop: () => server.stop() }
  }
  const redis = await startRedis({ extraArgs: name === 'redis-everysec' ? ['--appendfsync', 'everysec'] : [] })
  const env = { REDIS_URL: redis.url }
  const [a, b] = await Promise.all([instance(env), instance(env)])
  return {
    writer: a,
    reader: b,
    other: b,
    redis,
    stop: async () => {
      await Promise.all([a.stop(), b.stop()])
      await redis.stop()
    },
  }
}

async function redisMemoryMb(redis) {
  const client = await createClient({ url: redis.url }).connect()
  try {
    return Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1] ?? 0) / MB
  } finally {
    client.destroy()
  }
}

async function measure(name) {
  const d = await deploy(name)
  const result = { target: name }
  try {
    // Latency first, on instances that have not yet made the garbage of the throughput and
    // catch-up phases: the figure is the delivery path at 200 appends/s, not a later GC pause.
    const live = { writeBaseUrl: d.writer.baseUrl, readBaseUrl: d.reader.baseUrl, rate: RATE }
    await deliveryLatency({ ...live, seconds: 3 }) // warm-up (route compilation, JIT, connections): not counted
    result.latency = await deliveryLatency({ ...live, seconds: LATENCY_SECONDS })
    result.appendsPerSecondSequential = await appendsPerSecond([d.writer.baseUrl], SEQUENTIAL, 1)
    result.appendsPerSecond16Writers = await appendsPerSecond([d.writer.baseUrl, d.other.baseUrl], CONCURRENT, WRITERS)
    if (name.endsWith('fsync') || name.endsWith('everysec')) return result
    const catchUp = await createStream(d.writer.baseUrl, 'application/octet-stream')
    await fill(streamUrl(d.writer.baseUrl, catchUp), CATCHUP_MB, 64 * 1024)
    const readCatchUp = () => readAll(streamUrl(d.reader.baseUrl, catchUp), d.reader.pid)
    const idle = await rssMb(d.reader.pid)
    const reads = [await readCatchUp(), await readCatchUp(), await readCatchUp()]
    result.catchUpMbPerSecond = reads.map((r) => r.mbPerSecond).sort((a, b) => a - b)[1]
    const big = await createStream(d.writer.baseUrl, 'application/octet-stream')
    await fill(streamUrl(d.writer.baseUrl, big), BIG_MB, 4 * MB)
    const bigIdle = await rssMb(d.reader.pid)
    const bigRead = await readAll(streamUrl(d.reader.baseUrl, big), d.reader.pid)
    result.memory = {
      idleRssMb: idle,
      peakRssMbReading100: Math.max(...reads.map((r) => r.peakRssMb)),
      idleRssMbBefore1GB: bigIdle,
      peakRssMbReading1GB: bigRead.peakRssMb,
      read1GBMbPerSecond: bigRead.mbPerSecond,
      bytesRead1GB: bigRead.bytes,
      redisUsedMemoryMb: d.redis ? await redisMemoryMb(d.redis) : undefined,
    }
  } finally {
    await d.stop()
  }
  return result
}

const fmt = (n, digits = 0) => (n === undefined ? '—' : n.toFixed(digits))
const label = {
  embedded: 'embedded, 1 instance',
  'embedded-fsync': 'embedded, 1 instance, fsync',
  redis: 'Redis (AOF always), 2 instances: write A, read B',
  'redis-everysec': 'Redis (AOF everysec), 2 instances',
}

const results = []
for (const name of TARGETS) {
  console.error(`== ${name}`)
  // A target that fails (e.g. a server that stops accepting connections) is reported, not fatal.
  const result = await measure(name).catch((error) => ({ target: name, error: String(error.cause ?? error) }))
  console.error(JSON.stringify(result, null, 2))
  results.push(result)
}

console.log(
  `\nnode ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}, ${CATCHUP_MB} MB catch-up, ${BIG_MB} MB large read`,
)
console.log(
  '| store | appends/s (1 writer) | appends/s (16 writers) | catch-up MB/s | live delivery p50 / p99 (ms), from send | … from the writer’s ack | reader RSS idle → peak, 100 MB | reader RSS before → peak, 1 GB |',
)
console.log('|---|---|---|---|---|---|---|---|')
for (const r of results) {
  if (r.error) {
    console.log(`| ${label[r.target] ?? r.target} | failed: ${r.error} | | | | | | |`)
    continue
  }
  const m = r.memory
  console.log(
    `| ${label[r.target] ?? r.target} | ${fmt(r.appendsPerSecondSequential)} | ${fmt(r.appendsPerSecond16Writers)} | ${fmt(r.catchUpMbPerSecond)} | ${fmt(r.latency.p50, 1)} / ${fmt(r.latency.p99, 1)} | ${fmt(r.latency.afterAckP50, 1)} / ${fmt(r.latency.afterAckP99, 1)} | ${m ? `${fmt(m.idleRssMb)} → ${fmt(m.peakRssMbReading100)} MB` : '—'} | ${m ? `${fmt(m.idleRssMbBefore1GB)} → ${fmt(m.peakRssMbReading1GB)} MB` : '—'} |`,
  )
}
const redisResult = results.find((r) => r.target === 'redis' && !r.error)
if (redisResult) {
  const { p99, afterAckP99 } = redisResult.latency
  const verdict = (ok) => (ok ? 'met' : 'MISSED')
  console.log(
    `\nTarget: cross-instance live delivery p99 < 10 ms — from send ${fmt(p99, 1)} ms (${verdict(p99 < 10)}), from the writer's ack ${fmt(afterAckP99, 1)} ms (${verdict(afterAckP99 < 10)})`,
  )
  const m = redisResult.memory
  if (m) {
    const growth100 = m.peakRssMbReading100 - m.idleRssMb
    const growth1GB = m.peakRssMbReading1GB - m.idleRssMbBefore1GB
    console.log(
      `Target: reader memory does not grow with stream size — RSS growth ${fmt(growth100)} MB reading ${CATCHUP_MB} MB, ${fmt(growth1GB)} MB reading ${BIG_MB} MB (${verdict(growth1GB < growth100 + 64)})`,
    )
  }
}
for (const r of results) {
  if (r.memory?.redisUsedMemoryMb !== undefined) {
    console.log(
      `\n${label[r.target]}: Redis used_memory ${fmt(r.memory.redisUsedMemoryMb)} MB, holding ${CATCHUP_MB + BIG_MB} MB of streams (+ the small ones)`,
    )
  }
}
const resultsDir = env.BENCH_RESULTS_DIR ?? path.join(import.meta.dirname, 'results')
await mkdir(resultsDir, { recursive: true })
const file = path.join(resultsDir, `scale-out-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
await writeFile(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2))
console.log(`\n(${file})`)
