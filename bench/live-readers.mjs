/**
 * Open live readers (issue 17, item 5): what one open reader costs the server, per transport.
 *
 * Cases, each on a fresh server of the same production build:
 * - `feed, Pages API`: `GET /api/feed`, the public URL, a Pages API route (`pages/api/feed.ts`);
 * - `feed, App Router`: the same handler as an App Router route, `GET /api/app-router/feed`
 *   (`app/api/app-router/feed/route.ts`);
 * - `feed, plain node:http`: the same `lib/` code on `node:http` (`bench/plain-server.mjs`), the floor;
 * - `durable live=sse`: `GET /v1/stream/<name>?offset=now&live=sse` on its public URL (the Pages
 *   API route `pages/api/node/v1/stream/[...path].ts`), while a writer appends a numbered event
 *   every 200 ms;
 * - `durable live=sse, App Router twin`: the same through the App Router route (the request carries
 *   `X-Sluice-Transport: app-router`).
 *
 * Each round runs every case once, one after the other, the order rotated from round to round so
 * that no case always goes first. A case: start the server, warm it up, read its RSS (VmRSS) and
 * its live heap (after a forced full GC, `inspector.mjs`), open N readers on raw sockets, hold
 * them, read both again; per reader = (after − before) / N. Every reader must receive every event:
 * for the feed each sample id from its first to the last one sent in the hold, for durable every
 * appended number exactly once; what is missing is counted and printed as lost, twice-received as
 * duplicates. Figures are medians over the rounds.
 *
 * Run: `npm run build && npm run bench:live`. Sizes: BENCH_LIVE_READERS (2000), BENCH_LIVE_HOLD_MS
 * (20000), BENCH_ROUNDS (3); BENCH_LIVE_CASES picks cases (feed-pages,feed-app,feed-plain,durable,durable-app);
 * BENCH_LIVE_HEAP=1 adds a heap-snapshot diff per case: what one reader keeps, by kind of object.
 * BENCH_LIVE_ALLOC=1 samples allocations during the hold (garbage included) and prints who allocates
 * what, per reader and event: the garbage behind the gap between RSS and what a reader holds;
 * BENCH_LIVE_ALLOC=open does the same while the readers are opened, per reader; BENCH_LIVE_ALLOC=kept
 * samples the hold's allocations still in the heap at its end (live, or garbage waiting for a full GC).
 * BENCH_LIVE_RSS_EVERY_MS logs the RSS per reader at that interval through the hold;
 * BENCH_LIVE_NODE_OPTIONS adds Node options to the Next.js servers (e.g. `--max-semi-space-size=64`).
 */
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { attachInspector } from './inspector.mjs'
import { percentile, rssBytes, send, startPlain } from './measure.mjs'

const root = path.resolve(import.meta.dirname, '..')
const READERS = Number(process.env.BENCH_LIVE_READERS ?? 2_000)
const HOLD_MS = Number(process.env.BENCH_LIVE_HOLD_MS ?? 20_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const APPEND_EVERY_MS = 200
const TARGET_BYTES = 64 * 1024
const MOVE_RATIO = 1.3
// BENCH_LIVE_HEAP=1: also a heap snapshot before and after the readers, printed as a diff by kind of object.
const HEAP_SUMMARY = process.env.BENCH_LIVE_HEAP === '1'
// BENCH_LIVE_RSS_EVERY_MS=10000: also log the RSS per reader every so often during the hold (does it settle, and where?).
const RSS_EVERY_MS = Number(process.env.BENCH_LIVE_RSS_EVERY_MS ?? 0)
// BENCH_LIVE_ALLOC=1: allocations sampled during the hold, by allocating function and by owner.
// BENCH_LIVE_ALLOC=open: the same while the readers are being opened, per reader (what each opening request leaves behind).
const ALLOCATIONS = process.env.BENCH_LIVE_ALLOC === '1' || process.env.BENCH_LIVE_ALLOC === 'kept'
// BENCH_LIVE_ALLOC=kept: of what the hold allocated, only what is still in the heap at its end (live, or garbage not yet collected).
const KEPT_ALLOCATIONS = process.env.BENCH_LIVE_ALLOC === 'kept'
const OPENING_ALLOCATIONS = process.env.BENCH_LIVE_ALLOC === 'open'

const CASES = {
  'feed-pages': { label: 'feed, Pages API', server: 'next', kind: 'feed', path: '/api/feed' },
  'feed-app': { label: 'feed, App Router', server: 'next', kind: 'feed', path: '/api/app-router/feed' },
  'feed-plain': { label: 'feed, plain node:http', server: 'plain', kind: 'feed', path: '/api/feed' },
  durable: { label: 'durable live=sse, Pages API', server: 'next', kind: 'durable', path: '/v1/stream/<name>' },
  'durable-app': {
    label: 'durable live=sse, App Router',
    server: 'next',
    kind: 'durable',
    path: '/v1/stream/<name>',
    headers: 'X-Sluice-Transport: app-router\r\n',
  },
}
const picked = (process.env.BENCH_LIVE_CASES ?? Object.keys(CASES).join(',')).split(',')
for (const name of picked) if (!(name in CASES)) throw new Error(`BENCH_LIVE_CASES: no case ${name} (${Object.keys(CASES).join(', ')})`)

if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) {
  console.error('No production build in .next/: run `npm run build` first, then `npm run bench:live`.')
  process.exit(1)
}
// Every server runs on Sluice's defaults (feed interval 1 s, heartbeat 15 s), whatever this shell sets.
for (const key of Object.keys(process.env)) if (key.startsWith('SLUICE_')) delete process.env[key]

await import('./ts-hooks.mjs')
const { freePort, startServer } = await import('@/test/support/server')

const started = Date.now()
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
const log = (message) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`)

/**
 * Splits an HTTP/1.1 response read from a raw socket into its head and its body bytes, undoing
 * `Transfer-Encoding: chunked`; calls `onBody(text)` with body text as it arrives.
 */
function httpReader(onHead, onBody) {
  let head = ''
  let chunked = false
  let inHead = true
  let buffer = ''
  let size = -1 // bytes left in the current chunk; -1: a size line is next
  return (data) => {
    if (inHead) {
      head += data
      const end = head.indexOf('\r\n\r\n')
      if (end === -1) return
      inHead = false
      chunked = /^transfer-encoding:\s*chunked/im.test(head.slice(0, end))
      data = head.slice(end + 4)
      onHead(head.slice(0, end))
    }
    if (!chunked) return void onBody(data)
    buffer += data
    for (;;) {
      if (size === -1) {
        const eol = buffer.indexOf('\r\n')
        if (eol === -1) return
        size = parseInt(buffer.slice(0, eol), 16)
        buffer = buffer.slice(eol + 2)
      }
      if (size === 0) return
      if (buffer.length < size + 2) return
      onBody(buffer.slice(0, size))
      buffer = buffer.slice(size + 2)
      size = -1
    }
  }
}

/**
 * One reader on a raw socket. Counts the numbered events it gets (`number(event)`: the feed's id,
 * a durable append's number): `got` distinct ones in order, `duplicates`, `gaps` (skipped numbers).
 * Resolves once the stream is open (`ready(text)` says when). `headers`: extra request header lines.
 */
function reader(port, requestPath, ready, numbers, headers) {
  return new Promise((resolve, reject) => {
    /** @type {{ socket: net.Socket | undefined, first: number | undefined, last: number | undefined, got: number, duplicates: number, gaps: number, closed: boolean }} */
    const r = { socket: undefined, first: undefined, last: undefined, got: 0, duplicates: 0, gaps: 0, closed: false }
    let open = false
    let pending = ''
    const onEvent = (event) => {
      for (const n of numbers(event)) {
        if (r.last === undefined) r.first = n
        else if (n <= r.last) {
          r.duplicates++
          continue
        } else r.gaps += n - r.last - 1
        r.last = n
        r.got++
      }
    }
    const feed = httpReader(
      (head) => {
        if (!head.startsWith('HTTP/1.1 200')) reject(new Error(`${requestPath} answered: ${head.split('\r\n')[0]}`))
      },
      (text) => {
        pending += text
        if (!open && ready(pending)) {
          open = true
          resolve(r)
        }
        let end
        while ((end = pending.indexOf('\n\n')) !== -1) {
          onEvent(pending.slice(0, end))
          pending = pending.slice(end + 2)
        }
      },
    )
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.write(`GET ${requestPath} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n${headers}\r\n`)
    })
    r.socket = socket
    socket.setEncoding('utf8')
    socket.on('data', feed)
    socket.on('error', (error) => (open ? (r.closed = true) : reject(error)))
    socket.on('close', () => (r.closed = true))
  })
}

/** Opens `n` readers, `batch` at a time (each batch waits until its streams are open). */
async function openReaders(n, open, batch = 50) {
  const readers = []
  while (readers.length < n) {
    const size = Math.min(batch, n - readers.length)
    readers.push(...(await Promise.all(Array.from({ length: size }, open))))
  }
  return readers
}

const feedNumbers = (event) => {
  if (!event.includes('event: metrics')) return []
  const id = /^id: (\d+)$/m.exec(event)?.[1]
  return id === undefined ? [] : [Number(id)]
}
const durableNumbers = (event) => (event.startsWith('event: data') ? [...event.matchAll(/#(\d+);/g)].map((m) => Number(m[1])) : [])

/** What the readers added to the heap, by kind of object: the 25 largest per reader. */
function printHeapDiff(label, before, after) {
  const rows = [...after]
    .map(([key, a]) => {
      const b = before.get(key) ?? { count: 0, bytes: 0 }
      return [key, (a.count - b.count) / READERS, (a.bytes - b.bytes) / READERS]
    })
    .sort((x, y) => y[2] - x[2])
  const total = rows.reduce((sum, r) => sum + r[2], 0)
  console.log(`\n  heap snapshot diff, ${label}: ${(total / 1024).toFixed(1)} KB per reader in all; the largest (per reader):`)
  console.log(
    table([
      ['object (type, constructor or function)', 'count', 'bytes'],
      ...rows.slice(0, 25).map(([key, count, bytes]) => [key, count.toFixed(2), bytes.toFixed(0)]),
    ]),
  )
}

/** Who allocated what during the hold, per reader and per event (a durable append; for the feed, a second). */
function printAllocations(label, { byFunction, byOwner }, events, what = 'during the hold') {
  const per = (bytes) => (bytes / READERS / Math.max(1, events)).toFixed(0)
  const unit = events === 0 ? 'bytes per reader' : 'bytes per reader per event'
  const total = [...byOwner.values()].reduce((sum, b) => sum + b, 0)
  console.log(`\n  allocations ${what}, ${label}: ${per(total)} ${unit}; by owner:`)
  console.log(table([['owner', unit], ...[...byOwner].sort((a, b) => b[1] - a[1]).map(([who, bytes]) => [who, per(bytes)])]))
  console.log('  the 25 largest allocating functions:')
  console.log(
    table([
      ['function (owner:line)', unit],
      ...[...byFunction]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 25)
        .map(([fn, bytes]) => [fn, per(bytes)]),
    ]),
  )
}

/** `fetch`, tried again (up to 3 times) when a loaded machine resets the connection. */
async function retried(url, init) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init)
    } catch (error) {
      if (attempt === 3) throw error
      await sleep(1_000)
    }
  }
}

async function servingPid(baseUrl) {
  return (await (await retried(`${baseUrl}/api/health`)).json()).pid
}

/** Runs one case on a fresh server; returns its figures. */
async function runCase(name) {
  const c = CASES[name]
  const inspectPort = await freePort()
  const server =
    c.server === 'plain'
      ? await startPlain(inspectPort)
      : await startServer({
          // Durable SSE reads otherwise end (and reconnect) after 60 s; the hold must not see that.
          env: {
            NODE_OPTIONS: `${process.env.BENCH_LIVE_NODE_OPTIONS ?? ''} --inspect-port=127.0.0.1:${inspectPort}`,
            SLUICE_STREAMS_SSE_MAX_MS: '3600000',
          },
        })
  const readers = []
  let inspector
  try {
    const pid = await servingPid(server.baseUrl)
    let requestPath = c.path
    let numbers = feedNumbers
    let ready = (text) => text.includes(': open\n')
    let streamUrl
    if (c.kind === 'durable') {
      const stream = `bench/live-${Date.now()}`
      streamUrl = `${server.baseUrl}/v1/stream/${stream}`
      const created = await retried(streamUrl, { method: 'PUT', headers: { 'Content-Type': 'text/plain' } })
      if (created.status !== 201) throw new Error(`create ${stream}: HTTP ${created.status}`)
      requestPath = `/v1/stream/${stream}?offset=now&live=sse`
      numbers = durableNumbers
      ready = (text) => text.includes('event: control')
    }
    const open = () => reader(server.port, requestPath, ready, numbers, c.headers ?? '')
    // Warm up: load the route's code (and start the feed's sampler) before the baseline is read.
    for (const r of await openReaders(5, open)) r.socket.destroy()
    await sleep(1_000)
    inspector = await attachInspector(pid, inspectPort)
    const heapBefore = await inspector.liveHeapBytes()
    const summaryBefore = HEAP_SUMMARY ? await inspector.heapSummary() : undefined
    const rssBefore = await rssBytes(pid)
    const usageBefore = RSS_EVERY_MS > 0 ? await inspector.heapUsage() : undefined
    if (OPENING_ALLOCATIONS) await inspector.startAllocationSampling()
    readers.push(...(await openReaders(READERS, open)))
    if (OPENING_ALLOCATIONS) printAllocations(c.label, await inspector.stopAllocationSampling(), 0, 'while opening the readers')
    // RSS once every reader is open, before the hold: how much of the figure the opening requests leave behind.
    const rssOpened = await rssBytes(pid)
    log(
      `  ${c.label}: ${READERS} readers open (RSS ${kb((rssOpened - rssBefore) / READERS)} KB/reader so far); holding ${HOLD_MS / 1000} s`,
    )
    if (ALLOCATIONS) await inspector.startAllocationSampling(undefined, { kept: KEPT_ALLOCATIONS })
    let appended = 0
    let appending
    if (c.kind === 'durable') {
      // Appends keep going through the hold, one numbered event every 200 ms.
      appending = (async () => {
        const until = Date.now() + HOLD_MS
        while (Date.now() < until) {
          const at = Date.now()
          await send(streamUrl, undefined, { headers: { 'Content-Type': 'text/plain' }, body: `#${++appended};` })
          await sleep(Math.max(0, APPEND_EVERY_MS - (Date.now() - at)))
        }
      })()
    }
    const tracing =
      RSS_EVERY_MS > 0
        ? setInterval(async () => {
            const rss = await rssBytes(pid).catch(() => NaN)
            const usage = await inspector.heapUsage().catch(() => ({ usedSize: NaN, totalSize: NaN }))
            const per = (now, before) => kb((now - before) / READERS)
            log(
              `  ${c.label}: RSS ${per(rss, rssBefore)} KB/reader during the hold; V8 heap used ${per(usage.usedSize, usageBefore.usedSize)}, reserved ${per(usage.totalSize, usageBefore.totalSize)} KB/reader`,
            )
          }, RSS_EVERY_MS)
        : undefined
    await (appending ?? sleep(HOLD_MS))
    clearInterval(tracing)
    if (KEPT_ALLOCATIONS)
      printAllocations(c.label, await inspector.stopAllocationSampling(), 0, 'during the hold and still in the heap at its end')
    else if (ALLOCATIONS)
      printAllocations(c.label, await inspector.stopAllocationSampling(), c.kind === 'durable' ? appended : HOLD_MS / 1000)
    const rssAfter = await rssBytes(pid)
    const heapAfter = await inspector.liveHeapBytes()
    // The same RSS once that full GC has run: what the readers hold, less the garbage not yet collected.
    const rssAfterGc = await rssBytes(pid)
    if (summaryBefore) printHeapDiff(c.label, summaryBefore, await inspector.heapSummary())
    // Every reader must have got everything sent until now: the last append, or the newest sample.
    const target = c.kind === 'durable' ? appended : Math.max(...readers.map((r) => r.last ?? 0))
    const settle = Date.now() + 10_000
    while (Date.now() < settle && readers.some((r) => !r.closed && (r.last ?? 0) < target)) await sleep(100)
    const expected = (r) => (c.kind === 'durable' ? target : r.first === undefined ? 0 : target - r.first + 1)
    return {
      case: name,
      rssPerReader: (rssAfter - rssBefore) / READERS,
      rssAfterGcPerReader: (rssAfterGc - rssBefore) / READERS,
      heapPerReader: (heapAfter - heapBefore) / READERS,
      eventsPerReader: percentile(
        readers.map((r) => r.got),
        50,
      ),
      lost: readers.reduce((sum, r) => sum + Math.max(0, expected(r) - r.got), 0),
      duplicates: readers.reduce((sum, r) => sum + r.duplicates, 0),
      readersWithoutEvents: readers.filter((r) => r.got === 0).length,
      closed: readers.filter((r) => r.closed).length,
      load: os.loadavg()[0],
    }
  } finally {
    inspector?.close()
    for (const r of readers) r.socket.destroy()
    await server.stop()
  }
}

const kb = (b) => (Number.isFinite(b) ? (b / 1024).toFixed(1) : 'n/a')
function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)))
  return rows.map((r) => `| ${r.map((cell, i) => String(cell ?? '').padEnd(widths[i])).join(' | ')} |`).join('\n')
}

log(`live readers: ${READERS} per case, held ${HOLD_MS / 1000} s, ${ROUNDS} round(s); cases ${picked.join(', ')}; load ${load()}`)
const results = []
for (let round = 0; round < ROUNDS; round++) {
  const order = picked.map((_, i) => picked[(i + round) % picked.length])
  log(`round ${round + 1}: ${order.join(', ')} (load ${load()})`)
  for (const name of order) {
    const r = await runCase(name)
    results.push({ round: round + 1, ...r })
    log(
      `  ${CASES[name].label}: RSS ${kb(r.rssPerReader)} KB/reader (${kb(r.rssAfterGcPerReader)} after a full GC), heap ${kb(r.heapPerReader)} KB/reader, ` +
        `events p50 ${r.eventsPerReader}, lost ${r.lost}, duplicates ${r.duplicates}, closed ${r.closed} (load ${r.load.toFixed(2)})`,
    )
  }
}

const median = {}
for (const name of picked) {
  const runs = results.filter((r) => r.case === name)
  const m = (key) =>
    percentile(
      runs.map((r) => r[key]),
      50,
    )
  median[name] = {
    rssPerReader: m('rssPerReader'),
    rssAfterGcPerReader: m('rssAfterGcPerReader'),
    heapPerReader: m('heapPerReader'),
    eventsPerReader: m('eventsPerReader'),
    lost: runs.reduce((s, r) => s + r.lost, 0),
    duplicates: runs.reduce((s, r) => s + r.duplicates, 0),
    closed: runs.reduce((s, r) => s + r.closed, 0),
  }
}

console.log(`
Live readers: ${READERS} raw-socket readers per case held ${HOLD_MS / 1000} s, ${ROUNDS} round(s), order rotated; medians over rounds.
RSS = VmRSS after the hold minus before the readers (and again right after the forced full GC); heap = live JS heap after a forced full GC, after minus before;
KB = 1,024 bytes. lost / duplicates / closed: summed over all rounds and readers. Load average at the end: ${load()}
${os.cpus().length} CPUs, Node ${process.version}
`)
console.log(
  table([
    [
      'case',
      'RSS per reader (KB)',
      'RSS after a full GC (KB)',
      'live heap per reader (KB)',
      'events per reader (p50)',
      'lost',
      'duplicates',
      'closed early',
    ],
    ...picked.map((name) => {
      const m = median[name]
      return [
        CASES[name].label,
        kb(m.rssPerReader),
        kb(m.rssAfterGcPerReader),
        kb(m.heapPerReader),
        m.eventsPerReader,
        m.lost,
        m.duplicates,
        m.closed,
      ]
    }),
  ]),
)
const pages = median['feed-pages']
const app = median['feed-app']
if (pages && app) {
  const ratio = app.rssPerReader / pages.rssPerReader
  console.log(
    `\nfeed RSS per reader, App Router / Pages API: ${ratio.toFixed(2)}× (the public URL moved to the Pages API route at ≥ ${MOVE_RATIO}×: ${ratio >= MOVE_RATIO ? 'met' : 'not met'} in this run)`,
  )
  const best = Math.min(pages.rssPerReader, app.rssPerReader)
  console.log(
    `feed RSS per reader, the better transport: ${kb(best)} KB, target ≤ ${TARGET_BYTES / 1024} KB: ${best <= TARGET_BYTES ? 'PASS' : 'FAIL'}`,
  )
}
const lost = Object.values(median).reduce((s, m) => s + m.lost + m.duplicates, 0)
console.log(lost === 0 ? 'every reader got every event exactly once' : `DELIVERY FAILED: ${lost} events lost or duplicated`)

const resultsDir = process.env.BENCH_RESULTS_DIR ?? path.join(root, 'bench/results')
await mkdir(resultsDir, { recursive: true })
await writeFile(
  path.join(resultsDir, `live-readers-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
  JSON.stringify({ readers: READERS, holdMs: HOLD_MS, rounds: ROUNDS, median, results, loadavg: os.loadavg() }, null, 2),
)
if (lost !== 0) process.exitCode = 1
