// Where a durable append's server CPU goes: starts the production build (`next start`), turns its
// inspector on (SIGUSR1), profiles `BENCH_APPENDS` 100-byte appends by `BENCH_WRITERS` writers and
// prints the top self-time items, each with its owner (Next.js, React, Sluice, Node, GC…), and
// the CPU time per append from /proc/<pid>/stat over the same appends.
//
//   npm run build && npx node bench/profile-appends.mjs    (Node 24 via npx; SLUICE_STREAMS_DURABILITY=fsync to profile fsync)
//
// The public /v1/stream/ is served by a Pages API route; BENCH_TRANSPORT=app-router profiles the App
// Router twin of the same build instead (the header `X-Sluice-Transport: app-router`), and
// BENCH_TRANSPORT=direct the Pages API route at its own URL, without the rewrite. The profile is written to bench/results/ (open it in Chrome DevTools).
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { freePort, startServer } from '../test/support/server.ts'
import { APP_ROUTER_TWIN } from '../test/support/transport.ts'
import { MESSAGE } from './durable-client.mjs'
import { attachInspector } from './inspector.mjs'
import { cpuMs, sequentialAgent, send } from './measure.mjs'

const env = process.env
const APPENDS = Number(env.BENCH_APPENDS ?? 4000)
const WRITERS = Number(env.BENCH_WRITERS ?? 1)
const TOP = Number(env.BENCH_TOP ?? 30)
/** Where the appends go, by BENCH_TRANSPORT: the headers they carry, the prefix of their URL, what that is. */
const TRANSPORTS = {
  pages: { headers: {}, prefix: '', label: 'Pages API route' },
  'app-router': { headers: APP_ROUTER_TWIN, prefix: '', label: 'App Router twin' },
  direct: { headers: {}, prefix: '/api/node', label: 'Pages API route at /api/node/v1/stream/, no rewrite' },
}
const TRANSPORT = TRANSPORTS[env.BENCH_TRANSPORT ?? 'pages']
if (!TRANSPORT) throw new Error(`BENCH_TRANSPORT: ${env.BENCH_TRANSPORT}? (${Object.keys(TRANSPORTS).join(', ')})`)

const inspectPort = await freePort()
const server = await startServer({
  env: {
    NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --inspect-port=127.0.0.1:${inspectPort}`.trim(),
    SLUICE_STREAMS_DURABILITY: env.SLUICE_STREAMS_DURABILITY ?? 'process',
  },
})
try {
  const { pid } = await (await fetch(`${server.baseUrl}/api/health`)).json()
  const name = `profile/s${Date.now()}`
  const created = await fetch(`${server.baseUrl}/v1/stream/${name}`, { method: 'PUT', headers: { 'Content-Type': 'text/plain' } })
  if (created.status !== 201) throw new Error(`create: HTTP ${created.status}`)
  const url = `${server.baseUrl}${TRANSPORT.prefix}/v1/stream/${name}`
  const agents = Array.from({ length: WRITERS }, () => sequentialAgent())
  const run = (count) =>
    Promise.all(
      agents.map(async (agent) => {
        for (let i = 0; i < count / WRITERS; i++)
          await send(url, agent, { headers: { ...TRANSPORT.headers, 'Content-Type': 'text/plain' }, body: MESSAGE })
      }),
    )
  await run(Math.min(APPENDS, 500)) // warm up: compiled code, open files, prepared statements

  const inspector = await attachInspector(pid, inspectPort)
  await inspector.startProfile(100)
  const cpuBefore = await cpuMs(pid)
  const started = performance.now()
  await run(APPENDS)
  const seconds = (performance.now() - started) / 1000
  const cpu = ((await cpuMs(pid)) - cpuBefore) / APPENDS
  const profile = await inspector.stopProfile()
  inspector.close()

  const dir = env.BENCH_RESULTS_DIR ?? path.join(import.meta.dirname, 'results')
  await mkdir(dir, { recursive: true })
  const file = path.join(dir, `appends-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`)
  await writeFile(file, JSON.stringify(profile))

  console.log(
    `${APPENDS} appends to /v1/stream/ (${TRANSPORT.label}) by ${WRITERS} writer(s), durability ${env.SLUICE_STREAMS_DURABILITY ?? 'process'}: ` +
      `${(APPENDS / seconds).toFixed(0)} appends/s, server CPU ${cpu.toFixed(3)} ms per append (profiler on); ` +
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  )
  printTop(profile)
  console.log(`(${file})`)
} finally {
  await server.stop()
}

/** Who a frame belongs to, from its script URL. */
function owner(url, fn) {
  if (fn === '(garbage collector)') return 'V8 GC'
  if (fn === '(program)' || fn === '(idle)') return 'V8/native'
  if (url === '') return 'Node/native'
  if (url.startsWith('node:')) return 'Node'
  if (/node_modules\/next\/dist\/compiled\/(react|next-server\/app-page)/.test(url)) return 'Next.js (React runtime)'
  if (url.includes('node_modules/next/')) return 'Next.js'
  if (url.includes('/.next/server/chunks/') || url.includes('/.next/server/app/') || url.includes('/.next/server/pages/')) {
    return 'Sluice (bundled; or Next.js code bundled with it)'
  }
  if (url.includes('node_modules/')) return url.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1')
  return 'other'
}

function printTop(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map()
  const gaps = profile.timeDeltas
  let total = 0
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)
    const f = node.callFrame
    const key = `${f.functionName || '(anonymous)'}\t${f.url}:${f.lineNumber + 1}`
    const us = gaps[i + 1] ?? 0
    total += us
    self.set(key, (self.get(key) ?? 0) + us)
  })
  const busy = total - (self.get('(idle)\t:0') ?? 0)
  const rows = [...self].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1])
  const byOwner = new Map()
  for (const [key, us] of rows) {
    const [fn, where] = key.split('\t')
    const o = owner(where.replace(/:\d+$/, ''), fn)
    byOwner.set(o, (byOwner.get(o) ?? 0) + us)
  }
  const perAppend = (us) => (us / 1000 / APPENDS).toFixed(3)
  console.log(`\nbusy (not idle) ${perAppend(busy)} ms per append; by owner (self time, ms per append, share of busy):`)
  for (const [o, us] of [...byOwner].sort((a, b) => b[1] - a[1]))
    console.log(`  ${perAppend(us)}  ${((100 * us) / busy).toFixed(1)}%  ${o}`)
  console.log(`\ntop ${TOP} functions by self time (ms per append, share of busy, owner, function, where):`)
  for (const [key, us] of rows.slice(0, TOP)) {
    const [fn, where] = key.split('\t')
    const short = where.replace(/^.*node_modules\//, '').replace(/^.*\.next\//, '.next/')
    console.log(
      `  ${perAppend(us)}  ${((100 * us) / busy).toFixed(1).padStart(4)}%  ${owner(where.replace(/:\d+$/, ''), fn).padEnd(20)}  ${fn}  ${short}`,
    )
  }
}
