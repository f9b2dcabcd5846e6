// Many live readers on several instances: durable streams on one Redis server against a Redis
// Cluster (three masters, three replicas), and on the cluster with SLUICE_REDIS_MIN_REPLICAS=1.
//
//   npm run build && npm run bench:cluster          (= node bench/cluster.mjs, with Node 24 on the PATH)
//
// Each target: BENCH_INSTANCES production instances (default 2) on the Redis deployment,
// BENCH_READERS live SSE readers (default 400) spread over the instances and over BENCH_STREAMS
// streams (default 40), and BENCH_RATE appends per second (default 100) spread over the streams
// and sent through the instances in turn, for BENCH_SECONDS (default 10). Figures: whether every
// reader received every append of its stream exactly once; append-to-delivery p50/p99 from the
// send; each instance's resident memory at the end; Redis commands per append (INFO commandstats
// summed over every node, before and after: the appends' scripts and WAITs, the readers' wake-up
// reads, pub/sub); the CPU each process used while the appends ran (instances, Redis nodes, this
// client: /proc), to tell what saturated. The issue's full size (4 instances, 10,000 readers, 500
// appends/s over 100 streams) is BENCH_INSTANCES=4 BENCH_READERS=10000 BENCH_RATE=500
// BENCH_STREAMS=100. Readers are raw sockets (bench/durable-client.mjs, rawLiveReader), opened
// BENCH_CONNECT_BATCH (default 200) at a time.
//
// BENCH_BASELINE=<another checkout with a production build> runs the same targets on that build
// too, interleaved with this one (baseline, this, baseline, …) for BENCH_ROUNDS rounds (default
// 1), and prints the median of each figure per build. Results also go to bench/results/ as JSON.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createClient } from 'redis'
import { startRedis, startRedisCluster } from '../test/support/redis.ts'
import { startServer } from '../test/support/server.ts'
import { rawLiveReader, rssMb } from './durable-client.mjs'
import { cpuMs, percentile } from './measure.mjs'

const env = process.env
const TARGETS = (env.BENCH_TARGETS ?? 'server,cluster,cluster-replicas').split(',')
const INSTANCES = Number(env.BENCH_INSTANCES ?? 2)
const READERS = Number(env.BENCH_READERS ?? 400)
const STREAMS = Number(env.BENCH_STREAMS ?? 40)
const RATE = Number(env.BENCH_RATE ?? 100)
const SECONDS = Number(env.BENCH_SECONDS ?? 10)
const CONNECT_BATCH = Number(env.BENCH_CONNECT_BATCH ?? 200)
const BASELINE = env.BENCH_BASELINE ? path.resolve(env.BENCH_BASELINE) : undefined
const ROUNDS = Number(env.BENCH_ROUNDS ?? 1)
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')

async function instance(extraEnv, root) {
  const server = await startServer({
    root,
    env: { SLUICE_STREAMS_SSE_MAX_MS: '3600000', SLUICE_STREAM_LIFETIME_MS: '3600000', ...extraEnv },
  })
  const { pid } = await (await fetch(`${server.baseUrl}/api/health`)).json()
  return { baseUrl: server.baseUrl, pid, stop: () => server.stop() }
}

/** The Redis deployment of a target, the environment its instances get, and every node's address. */
async function redisFor(target) {
  if (target === 'server') {
    const redis = await startRedis()
    const nodes = [{ host: '127.0.0.1', port: redis.port, pid: redis.process.pid }]
    return { env: { REDIS_URL: redis.url }, nodes, stop: () => redis.stop() }
  }
  const cluster = await startRedisCluster()
  const env = { REDIS_CLUSTER_NODES: cluster.setting, ...(target === 'cluster-replicas' ? { SLUICE_REDIS_MIN_REPLICAS: '1' } : {}) }
  return { env, nodes: cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port, pid: n.process.pid })), stop: () => cluster.stop() }
}

/**
 * Summed over `nodes`: commands run (INFO commandstats), bytes in and out (INFO stats), and
 * client connections (INFO clients, less the one asking), CPU seconds used (INFO cpu).
 */
async function redisCounters(nodes) {
  const total = { commands: 0, bytesIn: 0, bytesOut: 0, connections: 0, cpuSeconds: 0 }
  for (const { host, port } of nodes) {
    const client = await createClient({ socket: { host, port } }).connect()
    try {
      for (const match of (await client.info('commandstats')).matchAll(/calls=(\d+)/g)) total.commands += Number(match[1])
      const stats = await client.info('stats')
      total.bytesIn += Number(/total_net_input_bytes:(\d+)/.exec(stats)?.[1] ?? 0)
      total.bytesOut += Number(/total_net_output_bytes:(\d+)/.exec(stats)?.[1] ?? 0)
      total.connections += Number(/connected_clients:(\d+)/.exec(await client.info('clients'))?.[1] ?? 1) - 1
      const cpu = await client.info('cpu')
      total.cpuSeconds += Number(/used_cpu_user:([\d.]+)/.exec(cpu)?.[1] ?? 0) + Number(/used_cpu_sys:([\d.]+)/.exec(cpu)?.[1] ?? 0)
    } finally {
      client.destroy()
    }
  }
  return total
}

/** A live SSE reader: records, per append id, when it arrived (and how many times). */
function reader(url, deliveries) {
  let rest = '' // after the last complete `i=…;` marker: the start of one split across reads
  return rawLiveReader(url, (text, at) => {
    const all = rest + text
    for (const match of all.matchAll(/i=(\d+);/g)) {
      const seen = deliveries.get(match[1]) ?? []
      seen.push(at)
      deliveries.set(match[1], seen)
    }
    rest = all.slice(all.lastIndexOf(';') + 1)
  })
}

/** ms the main thread of process `pid` has waited, runnable, for a CPU (`/proc/<pid>/schedstat`). */
async function runQueueMs(pid) {
  return Number((await readFile(`/proc/${pid}/schedstat`, 'utf8')).split(' ')[1]) / 1e6
}

/** CPU ms used so far by each process (the instances, the Redis nodes, this client), and the instances' waits for a CPU. */
async function cpuNow(servers, nodes) {
  const own = process.cpuUsage()
  return {
    instancesWaiting: await Promise.all(servers.map((s) => runQueueMs(s.pid))),
    instances: await Promise.all(servers.map((s) => cpuMs(s.pid))),
    redis: await Promise.all(nodes.map((n) => cpuMs(n.pid))),
    client: (own.user + own.system) / 1000,
  }
}

function send(url, agent, body) {
  return new Promise(
    /** @param {(value?: unknown) => void} resolve */ (resolve, reject) => {
      const req = http.request(
        url,
        { method: 'POST', agent, headers: { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) } },
        (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk) => (text += chunk))
          res.on('end', () => {
            if (res.statusCode === 204) return resolve()
            // The error's code, not its message, so that failures of one kind are counted together.
            const code = /"code":"([^"]+)"/.exec(text)?.[1] ?? text.slice(0, 40)
            reject(new Error(`append answered ${res.statusCode} ${code}`))
          })
        },
      )
      req.on('error', (error) => reject(new Error(`append failed: ${'code' in error ? error.code : error.message}`)))
      req.end(body)
    },
  )
}

async function measure(target, root) {
  const redis = await redisFor(target)
  const idle = await redisCounters(redis.nodes)
  const servers = await Promise.all(Array.from({ length: INSTANCES }, () => instance(redis.env, root)))
  try {
    const names = Array.from({ length: STREAMS }, (_, i) => `bench/cluster-${Date.now()}-${i}`)
    for (const name of names) {
      const res = await fetch(`${servers[0].baseUrl}/v1/stream/${name}`, { method: 'PUT', headers: { 'Content-Type': 'text/plain' } })
      if (res.status !== 201) throw new Error(`creating ${name} answered ${res.status}`)
    }
    // Readers: reader r reads stream r % STREAMS through instance r % INSTANCES.
    const perReader = []
    const readers = []
    for (let r = 0; r < READERS; r += CONNECT_BATCH) {
      const batch = []
      for (let b = r; b < Math.min(r + CONNECT_BATCH, READERS); b++) {
        const deliveries = new Map()
        perReader.push({ stream: b % STREAMS, deliveries })
        batch.push(reader(`${servers[b % INSTANCES].baseUrl}/v1/stream/${names[b % STREAMS]}`, deliveries))
      }
      readers.push(...(await Promise.all(batch)))
    }
    const memoryBefore = await Promise.all(servers.map((s) => rssMb(s.pid)))
    const before = await redisCounters(redis.nodes)
    const cpuBefore = await cpuNow(servers, redis.nodes)
    const agents = servers.map(() => new http.Agent({ keepAlive: true, maxSockets: 16 }))
    const sentAt = []
    const streamOf = []
    const sends = []
    const total = RATE * SECONDS
    const start = performance.now()
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / RATE
      if (due > performance.now()) await sleep(Math.max(0, due - performance.now()))
      const s = i % STREAMS
      sentAt[i] = performance.now()
      streamOf[i] = s
      sends.push(send(`${servers[i % INSTANCES].baseUrl}/v1/stream/${names[s]}`, agents[i % INSTANCES], `i=${i};`))
    }
    const sendSeconds = (performance.now() - start) / 1000
    // An append that was not acknowledged (an error status or a broken connection) may or may not
    // have been stored, so its deliveries are counted apart; every acknowledged one must reach every reader.
    const settled = await Promise.allSettled(sends)
    const acknowledged = settled.map((r) => r.status === 'fulfilled')
    const failures = acknowledged.filter((ok) => !ok).length
    const failureReasons = {}
    for (const r of settled) {
      if (r.status === 'rejected') {
        const reason = r.reason instanceof Error ? r.reason.message : String(r.reason)
        failureReasons[reason] = (failureReasons[reason] ?? 0) + 1
      }
    }
    const expected = perReader.reduce((sum, r) => {
      for (let i = r.stream; i < total; i += STREAMS) if (acknowledged[i]) sum++
      return sum
    }, 0)
    const deadline = performance.now() + 15_000
    const received = () => perReader.reduce((sum, r) => sum + r.deliveries.size, 0)
    while (received() < expected && performance.now() < deadline) await sleep(50)
    const seconds = (performance.now() - start) / 1000
    const cpuAfter = await cpuNow(servers, redis.nodes)
    const after = await redisCounters(redis.nodes)
    const memory = await Promise.all(servers.map((s) => rssMb(s.pid)))
    const endedEarly = readers.filter((r) => r.closed()).length
    for (const r of readers) r.stop()
    agents.forEach((a) => a.destroy())
    // Share of one core each process used from the first send until the last delivery (or the deadline).
    const busy = (a, b) => Math.round((b - a) / 10 / seconds)

    let missing = 0
    let duplicates = 0
    let unacknowledgedDelivered = 0
    const latencies = []
    for (const r of perReader) {
      for (let i = r.stream; i < total; i += STREAMS) {
        const seen = r.deliveries.get(String(i))
        if (!acknowledged[i]) {
          if (seen) unacknowledgedDelivered++
          if (seen && seen.length > 1) duplicates += seen.length - 1
        } else if (!seen) missing++
        else {
          if (seen.length > 1) duplicates += seen.length - 1
          latencies.push(seen[0] - sentAt[i])
        }
      }
    }
    return {
      target,
      instances: INSTANCES,
      readers: READERS,
      streams: STREAMS,
      appends: total,
      appendFailures: failures,
      appendFailureReasons: failureReasons,
      deliveriesExpected: expected,
      unacknowledgedDelivered,
      missing,
      duplicates,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      sendSeconds: Number(sendSeconds.toFixed(1)),
      readersEndedEarly: endedEarly,
      rssMbPerInstance: memory.map((m) => Math.round(m)),
      rssMbPerInstanceBeforeAppends: memoryBefore.map((m) => Math.round(m)),
      cpuPercent: {
        instances: cpuAfter.instances.map((c, i) => busy(cpuBefore.instances[i], c)),
        redis: cpuAfter.redis.map((c, i) => busy(cpuBefore.redis[i], c)),
        client: busy(cpuBefore.client, cpuAfter.client),
        // Runnable but waiting for a core: a machine too busy for the work, not one process at its limit.
        instancesWaitingForCpu: cpuAfter.instancesWaiting.map((w, i) => Math.round((w - cpuBefore.instancesWaiting[i]) / 10 / seconds)),
      },
      load: os.loadavg(),
      // Each includes this measurement's own INFO calls (a handful per node).
      redisCommandsPerAppend: (after.commands - before.commands) / total,
      redisBytesInPerAppend: Math.round((after.bytesIn - before.bytesIn) / total),
      redisBytesOutPerAppend: Math.round((after.bytesOut - before.bytesOut) / total),
      redisConnectionsPerInstance: (after.connections - idle.connections) / INSTANCES,
      redisCpuMicrosecondsPerAppend: Math.round(((after.cpuSeconds - before.cpuSeconds) * 1e6) / total),
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()))
    await redis.stop()
  }
}

const builds = BASELINE
  ? [
      { name: 'baseline', root: BASELINE },
      { name: 'this', root: undefined },
    ]
  : [{ name: 'this', root: undefined }]
const results = []
for (const target of TARGETS) {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const build of builds) {
      console.log(
        `== ${target} (${build.name} build${build.root ? ` in ${build.root}` : ''}, round ${round}/${ROUNDS}): ${INSTANCES} instances, ` +
          `${READERS} readers on ${STREAMS} streams, ${RATE} appends/s for ${SECONDS} s; load average ${load()}`,
      )
      const result = { build: build.name, round, ...(await measure(target, build.root)) }
      results.push(result)
      console.log(result)
    }
  }
}

const median = (values) => percentile(values, 50)
const sum = (values) => values.reduce((a, b) => a + b, 0)
console.log(
  `\nMedians of ${ROUNDS} interleaved round(s); CPU is % of one core from the first send to the last delivery; load average now ${load()}.\n` +
    '\n| target | build | exactly once | p50 / p99 from send (ms) | RSS per instance (MB) | Redis commands per append | Redis bytes in / out per append | Redis connections per instance | Redis CPU per append (µs) | CPU % instances (runnable, waiting for a core) / Redis nodes / client | load average at end |' +
    '\n|---|---|---|---|---|---|---|---|---|---|---|',
)
for (const target of TARGETS) {
  for (const build of builds) {
    const runs = results.filter((r) => r.target === target && r.build === build.name)
    const missing = sum(runs.map((r) => r.missing))
    const duplicates = sum(runs.map((r) => r.duplicates))
    const failed = sum(runs.map((r) => r.appendFailures))
    // "Exactly once" is about acknowledged appends; appends that failed are named below the table.
    const once =
      missing === 0 && duplicates === 0
        ? `yes${failed > 0 ? ` (${failed} appends not acknowledged)` : ''}`
        : `no (${missing} missing, ${duplicates} duplicates, ${failed} appends not acknowledged)`
    const each = (pick) => runs[0][pick].map((_, i) => Math.round(median(runs.map((r) => r[pick][i]))))
    const cpu = (pick) => runs[0].cpuPercent[pick].map((_, i) => median(runs.map((r) => r.cpuPercent[pick][i])))
    console.log(
      `| ${target} | ${build.name} | ${once} | ${median(runs.map((r) => r.p50)).toFixed(1)} / ${median(runs.map((r) => r.p99)).toFixed(1)} | ` +
        `${each('rssMbPerInstance').join(', ')} | ${median(runs.map((r) => r.redisCommandsPerAppend)).toFixed(1)} | ` +
        `${median(runs.map((r) => r.redisBytesInPerAppend))} / ${median(runs.map((r) => r.redisBytesOutPerAppend))} | ` +
        `${median(runs.map((r) => r.redisConnectionsPerInstance))} | ${median(runs.map((r) => r.redisCpuMicrosecondsPerAppend))} | ` +
        `${cpu('instances').join(', ')} (waiting ${cpu('instancesWaitingForCpu').join(', ')}) / ${cpu('redis').join(', ')} / ${median(runs.map((r) => r.cpuPercent.client))} | ` +
        `${runs.map((r) => r.load.map((l) => l.toFixed(1)).join(' ')).join('; ')} |`,
    )
  }
}
for (const r of results) {
  if (r.appendFailures === 0) continue
  const reasons = Object.entries(r.appendFailureReasons)
    .map(([reason, n]) => `${n} × ${reason}`)
    .join('; ')
  console.log(
    `${r.target} (${r.build}): ${r.appendFailures} appends not acknowledged (${reasons}); ` +
      `${r.unacknowledgedDelivered} deliveries of them arrived anyway (stored, but the answer was lost)`,
  )
}
const dir = path.join(import.meta.dirname, 'results')
await mkdir(dir, { recursive: true })
await writeFile(
  path.join(dir, `cluster-${Date.now()}.json`),
  JSON.stringify({ node: process.version, cpus: os.cpus().length, load: os.loadavg(), baseline: BASELINE, results }, null, 2),
)
