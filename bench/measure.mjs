/**
 * Client-side measurements for the foundation benchmark: time to first byte, per-chunk delivery
 * delay of stamped word streams, and a crowd of live feed clients on raw sockets. Everything reads
 * raw `node:http`/`node:net` events (no fetch), so the client adds as little as possible, and the
 * same for both servers.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')

/** The same clock the servers stamp with: epoch ms from this process's monotonic clock. */
export const now = () => performance.timeOrigin + performance.now()

/** Nearest-rank percentile of unsorted numbers. */
export function percentile(values, p) {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

/** A keep-alive agent with one socket, so sequential requests measure the server, not TCP set-up. */
export const sequentialAgent = () => new http.Agent({ keepAlive: true, maxSockets: 1 })

/**
 * One GET, read to the end. Returns the times (ms) to the response headers and to the first body
 * byte and, with `onData`, lets the caller look at each chunk as it arrives.
 */
export function get(url, agent, onData) {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    let firstByteMs
    const req = http.get(url, { agent }, (res) => {
      const headersMs = performance.now() - start
      if (res.statusCode !== 200) reject(new Error(`GET ${url}: ${res.statusCode}`))
      res.on('data', (chunk) => {
        firstByteMs ??= performance.now() - start
        onData?.(chunk)
      })
      res.on('end', () => resolve({ headersMs, firstByteMs }))
      res.on('error', reject)
    })
    req.on('error', reject)
  })
}

/** One request with a body on raw `node:http` (no fetch), read to the end; rejects on a non-2xx status. */
export function send(url, agent, { method = 'POST', headers = {}, body = '' } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: { 'Content-Length': Buffer.byteLength(body), ...headers } }, (res) => {
      res.resume()
      const status = res.statusCode ?? 0
      res.on('end', () => (status >= 200 && status < 300 ? resolve(status) : reject(new Error(`${method} ${url}: HTTP ${status}`))))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

/**
 * Reads a `stamp=1` words stream and returns, for each token, arrival time minus production time
 * (ms). A token counts as arrived when its whole `@<ms>\n` stamp has arrived.
 */
export async function chunkDelays(url, agent) {
  const delays = []
  const decoder = new TextDecoder()
  let text = ''
  await get(url, agent, (chunk) => {
    const arrived = now()
    text += decoder.decode(chunk, { stream: true })
    let newline
    while ((newline = text.indexOf('\n')) !== -1) {
      const line = text.slice(0, newline)
      text = text.slice(newline + 1)
      const produced = Number(line.slice(line.lastIndexOf('@') + 1))
      if (!Number.isFinite(produced)) throw new Error(`Not a stamped token: ${JSON.stringify(line)}`)
      delays.push(arrived - produced)
    }
  })
  return delays
}

/** The resident set size of a process, in bytes (Linux `/proc/<pid>/status`, VmRSS). */
export async function rssBytes(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]
  if (!kb) throw new Error(`No VmRSS for pid ${pid}`)
  return Number(kb) * 1024
}

/** CPU time (user + system) a process has used so far, in ms (`/proc/<pid>/stat`, 100 ticks a second). */
export async function cpuMs(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

const EVENT = 'event: metrics\n'

/**
 * One live feed client on a raw socket: resolves once the stream is open (the `: open` comment),
 * then counts `metrics` events and keeps the last `feedClients` figure the server reported.
 */
export function feedClient(port) {
  return new Promise((resolve, reject) => {
    /** @type {{ socket: net.Socket | undefined, events: number, serverFeedClients: number, closed: boolean }} */
    const client = { socket: undefined, events: 0, serverFeedClients: 0, closed: false }
    let tail = ''
    let open = false
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.write(`GET /api/feed HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`)
    })
    client.socket = socket
    socket.setEncoding('utf8')
    socket.on('data', (data) => {
      const text = tail + data
      if (!open) {
        if (!text.startsWith('HTTP/1.1 200')) return reject(new Error(`Feed answered: ${text.slice(0, 80)}`))
        if (!text.includes(': open\n')) return void (tail = text)
        open = true
        resolve(client)
      }
      for (let i = text.indexOf(EVENT); i !== -1; i = text.indexOf(EVENT, i + EVENT.length)) client.events++
      const reported = [...text.matchAll(/"feedClients":(\d+)\}/g)].at(-1)?.[1]
      if (reported) client.serverFeedClients = Number(reported)
      // Keep enough to find a marker split across two reads, but never count one twice.
      tail = text.slice(-(EVENT.length - 1))
    })
    socket.on('error', (error) => (open ? (client.closed = true) : reject(error)))
    socket.on('close', () => (client.closed = true))
  })
}

/** Opens `n` feed clients, `batch` at a time (each batch waits until its streams are open). */
export async function openFeedClients(port, n, batch = 50) {
  const clients = []
  while (clients.length < n) {
    const size = Math.min(batch, n - clients.length)
    clients.push(...(await Promise.all(Array.from({ length: size }, () => feedClient(port)))))
  }
  return clients
}

/** Starts bench/plain-server.mjs on a free port with its own data directory; resolves when it listens. */
export async function startPlain(inspectPort) {
  // TypeScript modules: the caller has loaded ts-hooks.mjs.
  const { freePort } = await import('@/test/support/server')
  const port = await freePort()
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sluice-bench-'))
  // The lib/ code it loads has TypeScript parameter properties (lib/access/owners-redis.ts), which
  // type stripping alone does not accept: transform them.
  const args = [
    `--inspect-port=127.0.0.1:${inspectPort}`,
    '--experimental-transform-types',
    '--disable-warning=ExperimentalWarning',
    path.join(import.meta.dirname, 'plain-server.mjs'),
  ]
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), SLUICE_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let errors = ''
  let stopping = false
  child.stderr.on('data', (data) => (errors += data))
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`plain-server exited (${code ?? signal}):\n${errors}`)
  })
  const [line] = await Promise.race([
    once(child.stdout, 'data'),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`plain-server exited with ${code}:\n${errors}`))),
  ])
  if (!String(line).startsWith('listening')) throw new Error(`plain-server said: ${line}`)
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    async stop() {
      stopping = true
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await once(child, 'exit')
      }
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
