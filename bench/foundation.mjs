/**
 * Benchmark of the foundation (issue 2): Sluice on `next start` against a plain `node:http` server
 * doing the same work (bench/plain-server.mjs), in one run on one machine:
 *
 * 1. time to first byte of the words stream (p50, p99) over sequential requests;
 * 2. per-chunk delivery delay of the words stream: arrival time minus the production time the
 *    server stamps on each token (`?stamp=1`; same machine, same clock: epoch ms from
 *    `performance.timeOrigin + performance.now()` in both processes);
 * 3. server memory (VmRSS) with 1,000 live feed clients held for 30 s, minus VmRSS before them;
 *    and, to tell retained memory from garbage, the JS heap still in use after a forced full GC.
 *
 * Prints a table and the differences against the targets; exits 0 whether they pass or not.
 * Run: `npm run build && npm run bench:foundation` (`BENCH_SCALE=0.01` for a quick run at 1 % of every size).
 */
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { attachInspector } from './inspector.mjs'
import { chunkDelays, cpuMs, get, openFeedClients, percentile, rssBytes, sequentialAgent, startPlain } from './measure.mjs'

const root = path.resolve(import.meta.dirname, '..')

// Sizes; BENCH_SCALE (0 < scale ≤ 1) shrinks every count and the hold time, e.g. 0.01 for a smoke run.
const SCALE = Number(process.env.BENCH_SCALE ?? 1)
if (!(SCALE > 0 && SCALE <= 1)) throw new Error(`BENCH_SCALE must be in (0, 1], not ${process.env.BENCH_SCALE}`)
const scaled = (n) => Math.max(1, Math.round(n * SCALE))
const WARMUP_REQUESTS = scaled(50)
const TTFB_REQUESTS = scaled(300)
const TTFB_PATH = '/api/words?count=3&delay=0'
const CHUNK_STREAMS = scaled(10)
const CHUNK_PATH = '/api/words?count=100&delay=10&stamp=1'
const FEED_CLIENTS = scaled(Number(process.env.BENCH_FEED_CLIENTS ?? 1_000))
const HOLD_MS = scaled(30_000)

const TARGETS = { ttfbP50Ms: 2, chunkP99Ms: 5, bytesPerFeedClient: 20 * 1024 }

if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) {
  console.error('No production build in .next/: run `npm run build` first, then `npm run bench:foundation`.')
  process.exit(1)
}
// Both servers run on Sluice's defaults (feed interval 1 s, heartbeat 15 s), whatever this shell sets.
for (const key of Object.keys(process.env)) if (key.startsWith('SLUICE_')) delete process.env[key]

await import('./ts-hooks.mjs')
const { freePort, startServer } = await import('@/test/support/server')

/** The pid that serves requests (from `/api/health`), whose memory is measured. */
async function servingPid(server) {
  const health = await (await fetch(`${server.baseUrl}/api/health`)).json()
  return health.pid
}

const fmt = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a')
const signed = (n, digits = 2) => `${n >= 0 ? '+' : ''}${fmt(n, digits)}`
const verdict = (ok) => (ok ? 'PASS' : 'FAIL')

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)))
  return rows
    .map((r) =>
      r
        .map((c, i) => String(c ?? '').padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

const started = Date.now()
const log = (message) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`)

log('starting next start and the plain node:http server')
// The inspector stays off until the memory phase (see inspector.mjs).
const inspectPorts = { plain: await freePort(), next: await freePort() }
const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} --inspect-port=127.0.0.1:${inspectPorts.next}`.trim()
// BENCH_NEXT_ROOT: run another checkout's build as "Next.js" (before/after figures, each against the same plain server).
const nextRoot = process.env.BENCH_NEXT_ROOT ? path.resolve(process.env.BENCH_NEXT_ROOT) : undefined
const [next, plain] = await Promise.all([
  startServer({ root: nextRoot, env: { NODE_OPTIONS: nodeOptions } }),
  startPlain(inspectPorts.plain),
])
const servers = { plain, next }
const clients = []
const inspectors = []
try {
  const pids = { plain: await servingPid(plain), next: await servingPid(next) }
  const agents = { plain: sequentialAgent(), next: sequentialAgent() }

  log(`warming up (${WARMUP_REQUESTS} requests each)`)
  for (let i = 0; i < WARMUP_REQUESTS; i++) {
    for (const name of ['plain', 'next']) await get(`${servers[name].baseUrl}${TTFB_PATH}`, agents[name])
  }
  for (const name of ['plain', 'next']) {
    await chunkDelays(`${servers[name].baseUrl}${CHUNK_PATH}`, agents[name])
    // Load the feed route (and start the sampler) now, so its code is not counted as per-client memory.
    for (const client of await openFeedClients(servers[name].port, 5)) client.socket.destroy()
  }

  // Requests alternate between the servers so that both see the same background noise.
  log(`time to first byte: ${TTFB_REQUESTS} sequential requests each, ${TTFB_PATH}`)
  const ttfb = { plain: [], next: [] }
  const headers = { plain: [], next: [] }
  const cpu = { plain: await cpuMs(pids.plain), next: await cpuMs(pids.next) }
  for (let i = 0; i < TTFB_REQUESTS; i++) {
    for (const name of ['plain', 'next']) {
      const { headersMs, firstByteMs } = await get(`${servers[name].baseUrl}${TTFB_PATH}`, agents[name])
      headers[name].push(headersMs)
      ttfb[name].push(firstByteMs)
    }
  }
  // CPU the server spent per request: what TTFB is made of when the machine is busy.
  const cpuPerRequest = {}
  for (const name of ['plain', 'next']) cpuPerRequest[name] = ((await cpuMs(pids[name])) - cpu[name]) / TTFB_REQUESTS

  log(`chunk delay: ${CHUNK_STREAMS} streams each, ${CHUNK_PATH}`)
  const delays = { plain: [], next: [] }
  for (let i = 0; i < CHUNK_STREAMS; i++) {
    for (const name of ['plain', 'next']) delays[name].push(...(await chunkDelays(`${servers[name].baseUrl}${CHUNK_PATH}`, agents[name])))
  }
  for (const agent of Object.values(agents)) agent.destroy()

  await sleep(1_000)
  const rssBefore = { plain: await rssBytes(pids.plain), next: await rssBytes(pids.next) }
  const inspector = {}
  const heapBefore = {}
  for (const name of ['plain', 'next']) {
    inspector[name] = await attachInspector(pids[name], inspectPorts[name])
    inspectors.push(inspector[name])
    heapBefore[name] = await inspector[name].liveHeapBytes()
  }
  log(`feed memory: opening ${FEED_CLIENTS} feed clients on each server`)
  const crowds = {}
  await Promise.all(
    ['plain', 'next'].map(async (name) => {
      crowds[name] = await openFeedClients(servers[name].port, FEED_CLIENTS)
      clients.push(...crowds[name])
    }),
  )
  log(`holding them for ${HOLD_MS / 1000} s`)
  const eventsAtStart = new Map(clients.map((c) => [c, c.events]))
  await sleep(HOLD_MS)
  const rssAfter = { plain: await rssBytes(pids.plain), next: await rssBytes(pids.next) }
  const eventsInHold = new Map(clients.map((c) => [c, c.events - eventsAtStart.get(c)]))
  const heapAfter = { plain: await inspector.plain.liveHeapBytes(), next: await inspector.next.liveHeapBytes() }
  log('done; stopping the servers')

  const feed = {}
  for (const name of ['plain', 'next']) {
    const events = crowds[name].map((c) => eventsInHold.get(c))
    feed[name] = {
      live: crowds[name].filter((c) => !c.closed).length,
      eventsMin: Math.min(...events),
      eventsP50: percentile(events, 50),
      serverCounted: Math.max(...crowds[name].map((c) => c.serverFeedClients)),
      rssBefore: rssBefore[name],
      rssAfter: rssAfter[name],
      perClient: (rssAfter[name] - rssBefore[name]) / FEED_CLIENTS,
      heapPerClient: (heapAfter[name] - heapBefore[name]) / FEED_CLIENTS,
    }
  }

  const m = {}
  for (const name of ['plain', 'next']) {
    m[name] = {
      ttfbP50: percentile(ttfb[name], 50),
      ttfbP99: percentile(ttfb[name], 99),
      headersP50: percentile(headers[name], 50),
      chunkP50: percentile(delays[name], 50),
      chunkP99: percentile(delays[name], 99),
      chunkMin: Math.min(...delays[name]),
    }
  }
  const mb = (b) => fmt(b / 1024 / 1024, 1)
  const kb = (b) => fmt(b / 1024, 1)
  const ttfbDiff = m.next.ttfbP50 - m.plain.ttfbP50
  const chunkDiff = m.next.chunkP99 - m.plain.chunkP99

  console.log(`
Foundation benchmark: Sluice (next start) vs plain node:http, same machine, same run (${os.cpus().length} CPUs, Node ${process.version})
  TTFB: ${TTFB_REQUESTS} sequential requests each (after ${WARMUP_REQUESTS} warm-up), ${TTFB_PATH}, keep-alive, time to first body byte
  Chunk delay: ${CHUNK_STREAMS} streams each (${delays.plain.length} / ${delays.next.length} tokens), ${CHUNK_PATH}
  Feed: ${FEED_CLIENTS} clients per server held ${HOLD_MS / 1000} s, both servers at once; RSS (VmRSS) at the end minus
        RSS before the clients; live heap = JS heap in use after a forced full GC, end minus before; KB = 1,024 bytes
`)
  console.log(
    table([
      ['measure', 'plain node:http', 'Next.js', 'Next - plain', 'target', 'result'],
      [
        'TTFB p50 (ms)',
        fmt(m.plain.ttfbP50),
        fmt(m.next.ttfbP50),
        signed(ttfbDiff),
        `<= +${TARGETS.ttfbP50Ms} ms`,
        verdict(ttfbDiff <= TARGETS.ttfbP50Ms),
      ],
      ['TTFB p99 (ms)', fmt(m.plain.ttfbP99), fmt(m.next.ttfbP99), signed(m.next.ttfbP99 - m.plain.ttfbP99)],
      ['time to headers p50 (ms)', fmt(m.plain.headersP50), fmt(m.next.headersP50), signed(m.next.headersP50 - m.plain.headersP50)],
      ['server CPU per request (ms)', fmt(cpuPerRequest.plain), fmt(cpuPerRequest.next), signed(cpuPerRequest.next - cpuPerRequest.plain)],
      ['chunk delay p50 (ms)', fmt(m.plain.chunkP50), fmt(m.next.chunkP50), signed(m.next.chunkP50 - m.plain.chunkP50)],
      [
        'chunk delay p99 (ms)',
        fmt(m.plain.chunkP99),
        fmt(m.next.chunkP99),
        signed(chunkDiff),
        `<= +${TARGETS.chunkP99Ms} ms`,
        verdict(chunkDiff <= TARGETS.chunkP99Ms),
      ],
      ['chunk delay min (ms)', fmt(m.plain.chunkMin), fmt(m.next.chunkMin), signed(m.next.chunkMin - m.plain.chunkMin)],
      ['feed RSS before (MB)', mb(feed.plain.rssBefore), mb(feed.next.rssBefore)],
      [`feed RSS, ${FEED_CLIENTS} clients (MB)`, mb(feed.plain.rssAfter), mb(feed.next.rssAfter)],
      ['feed RSS added (MB)', mb(feed.plain.rssAfter - feed.plain.rssBefore), mb(feed.next.rssAfter - feed.next.rssBefore)],
      [
        'feed RSS per client (KB)',
        kb(feed.plain.perClient),
        kb(feed.next.perClient),
        signed((feed.next.perClient - feed.plain.perClient) / 1024, 1),
        `< ${TARGETS.bytesPerFeedClient / 1024} KB (Next)`,
        verdict(feed.next.perClient < TARGETS.bytesPerFeedClient),
      ],
      [
        'feed live heap per client (KB)',
        kb(feed.plain.heapPerClient),
        kb(feed.next.heapPerClient),
        signed((feed.next.heapPerClient - feed.plain.heapPerClient) / 1024, 1),
      ],
      ['feed clients still open', feed.plain.live, feed.next.live],
      ['feed clients server counted', feed.plain.serverCounted, feed.next.serverCounted],
      [
        `feed events/client in ${HOLD_MS / 1000} s: min, p50`,
        `${feed.plain.eventsMin}, ${feed.plain.eventsP50}`,
        `${feed.next.eventsMin}, ${feed.next.eventsP50}`,
      ],
    ]),
  )
  console.log(
    `\nTotal ${((Date.now() - started) / 1000).toFixed(0)} s. A benchmark, not a test: the exit code does not depend on the targets.`,
  )
  const resultsDir = process.env.BENCH_RESULTS_DIR ?? path.join(root, 'bench/results')
  await mkdir(resultsDir, { recursive: true })
  await writeFile(
    path.join(resultsDir, `foundation-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    JSON.stringify({ feedClients: FEED_CLIENTS, measures: m, cpuPerRequest, feed, loadavg: os.loadavg() }, null, 2),
  )
} finally {
  for (const inspector of inspectors) inspector.close()
  for (const client of clients) client.socket.destroy()
  await Promise.all([next.stop(), plain.stop()])
}
