/**
 * Live heap of a server process, for telling retained memory from garbage: a process started with
 * `--inspect-port=127.0.0.1:<port>` (the inspector stays off, at no cost) gets SIGUSR1, which turns
 * its inspector on; over the DevTools protocol we force a full GC and read the heap in use.
 */
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/** Turns on the inspector of `pid` (listening on `port`) and connects to it. */
export async function attachInspector(pid, port) {
  process.kill(pid, 'SIGUSR1')
  let targets
  for (let attempt = 0; !targets; attempt++) {
    try {
      targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()
    } catch (error) {
      if (attempt > 50) throw new Error(`No inspector on port ${port} for pid ${pid}`, { cause: error })
      await sleep(100)
    }
  }
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl)
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true })
    ws.addEventListener('error', reject, { once: true })
  })
  let lastId = 0
  const waiting = new Map()
  let snapshotChunks = []
  /** Script id → URL, for telling whose code a closure is (filled once `Debugger` is on). */
  const scripts = new Map()
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(event.data)
    if (message.method === 'HeapProfiler.addHeapSnapshotChunk') return void snapshotChunks.push(message.params.chunk)
    if (message.method === 'Debugger.scriptParsed') return void scripts.set(Number(message.params.scriptId), message.params.url)
    waiting.get(message.id)?.(message)
    waiting.delete(message.id)
  })
  const call = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = ++lastId
      waiting.set(id, (message) => (message.error ? reject(new Error(`${method}: ${message.error.message}`)) : resolve(message.result)))
      ws.send(JSON.stringify({ id, method, params }))
    })
  return {
    /** The V8 heap as it is, no collection first: `usedSize` (objects, garbage included) and `totalSize` (what V8 has reserved). */
    heapUsage: () => call('Runtime.getHeapUsage'),
    /** Bytes of JS heap still in use after two full garbage collections. */
    async liveHeapBytes() {
      await call('HeapProfiler.collectGarbage')
      await call('HeapProfiler.collectGarbage')
      return (await call('Runtime.getHeapUsage')).usedSize
    },
    /** Starts the CPU profiler, sampling every `intervalUs` microseconds. */
    async startProfile(intervalUs = 250) {
      await call('Profiler.enable')
      await call('Profiler.setSamplingInterval', { interval: intervalUs })
      await call('Profiler.start')
    },
    /** Stops the CPU profiler; resolves with the profile (a `.cpuprofile` object). */
    async stopProfile() {
      return (await call('Profiler.stop')).profile
    },
    /**
     * A heap snapshot (it forces a full GC first), summed by what each object is: `<type> <name>`
     * (a closure by its function's name, an object by its constructor's) → count and self bytes.
     */
    async heapSummary() {
      if (scripts.size === 0) await call('Debugger.enable')
      snapshotChunks = []
      await call('HeapProfiler.takeHeapSnapshot', { reportProgress: false })
      const snapshot = JSON.parse(snapshotChunks.join(''))
      snapshotChunks = []
      const { node_fields: fields, node_types: types } = snapshot.snapshot.meta
      const width = fields.length
      const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f))
      // A closure's script: whose code it is (Node's, Next.js's, the app's bundle, a package's).
      const owners = new Map()
      const locations = snapshot.locations ?? []
      const locationWidth = snapshot.snapshot.meta.location_fields?.length ?? 4
      for (let i = 0; i < locations.length; i += locationWidth) owners.set(locations[i], owner(scripts.get(locations[i + 1])))
      const summary = new Map()
      const nodes = snapshot.nodes
      for (let i = 0; i < nodes.length; i += width) {
        const type = types[0][nodes[i + typeAt]]
        // A string's name is its text: strings are summed by type alone.
        let key = type.includes('string') ? type : `${type} ${snapshot.strings[nodes[i + nameAt]]}`.slice(0, 60)
        if (type === 'closure') key += ` [${owners.get(i) ?? '?'}]`
        const entry = summary.get(key) ?? summary.set(key, { count: 0, bytes: 0 }).get(key)
        entry.count++
        entry.bytes += nodes[i + sizeAt]
      }
      return summary
    },
    /**
     * Starts sampling allocations (one sample per `intervalBytes` allocated on average), collected
     * objects included: what the process allocates, garbage and all. With `kept`, only what is still
     * in the heap when sampling stops: live objects, and garbage no collection has reclaimed yet
     * (promoted by young-generation collections, waiting for a full one).
     */
    async startAllocationSampling(intervalBytes = 16_384, { kept = false } = {}) {
      if (scripts.size === 0) await call('Debugger.enable')
      await call('HeapProfiler.startSampling', {
        samplingInterval: intervalBytes,
        includeObjectsCollectedByMajorGC: !kept,
        includeObjectsCollectedByMinorGC: !kept,
      })
    },
    /**
     * Stops sampling; the bytes allocated, estimated from the samples, summed by allocating function
     * (`name (owner)`, its own allocations, not its callees') and by owner.
     */
    async stopAllocationSampling() {
      const { profile } = await call('HeapProfiler.stopSampling')
      const byFunction = new Map()
      const byOwner = new Map()
      const add = (map, key, bytes) => map.set(key, (map.get(key) ?? 0) + bytes)
      const visit = (node) => {
        const frame = node.callFrame
        const bytes = node.selfSize
        if (bytes > 0) {
          const url = frame.url || scripts.get(Number(frame.scriptId))
          const who = owner(url)
          const file = who === 'app bundle' ? ` ${path.basename(url ?? '')}` : ''
          const at = frame.lineNumber >= 0 ? `:${frame.lineNumber + 1}:${frame.columnNumber + 1}` : ''
          add(byFunction, `${frame.functionName || '(anonymous)'} (${who}${file}${at})`, bytes)
          add(byOwner, who, bytes)
        }
        for (const child of node.children) visit(child)
      }
      visit(profile.head)
      return { byFunction, byOwner }
    },
    close: () => ws.close(),
  }
}

/** Who a script belongs to, from its URL. */
function owner(url = '') {
  if (url.startsWith('node:') || !url.includes('/')) return 'Node'
  if (url.includes('/node_modules/next/')) return 'Next.js'
  if (url.includes('/.next/server/')) return 'app bundle'
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1]
  return pkg ?? url.slice(-40)
}
