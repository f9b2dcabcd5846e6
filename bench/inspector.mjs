/**
 * Live heap of a server process, for telling retained memory from garbage: a process started with
 * `--inspect-port=127.0.0.1:<port>` (the inspector stays off, at no cost) gets SIGUSR1, which turns
 * its inspector on; over the DevTools protocol we force a full GC and read the heap in use.
 */
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
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(event.data)
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
    /** Bytes of JS heap still in use after two full garbage collections. */
    async liveHeapBytes() {
      await call('HeapProfiler.collectGarbage')
      await call('HeapProfiler.collectGarbage')
      return (await call('Runtime.getHeapUsage')).usedSize
    },
    /** Starts the CPU profiler, sampling every `intervalUs` microseconds. */
    async startProfile(intervalUs = 100) {
      await call('Profiler.enable')
      await call('Profiler.setSamplingInterval', { interval: intervalUs })
      await call('Profiler.start')
    },
    /** Stops the CPU profiler; resolves with the profile (the `.cpuprofile` format). */
    async stopProfile() {
      return (await call('Profiler.stop')).profile
    },
    close: () => ws.close(),
  }
}
