import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { freePort } from './server.ts'

/**
 * A private `redis-server` for tests and benchmarks: 127.0.0.1 only, a free port, its own
 * temporary directory, and the persistence Sluice documents for durable streams — the
 * append-only file with `appendfsync always` (an acknowledged write is on disk) and no RDB
 * snapshots. Start one per test file (a start takes about 50 ms) and stop it in `afterAll`.
 *
 * Needs the Debian package `redis-server` (`scripts/ensure-system-deps.sh redis` installs it).
 */
export interface TestRedis {
  /** `redis://127.0.0.1:<port>`, for `REDIS_URL`. */
  url: string
  port: number
  dir: string
  /** The running server process. */
  readonly process: ChildProcess
  /** The server's log so far, for failure messages. */
  output(): string
  /** SIGKILL, for crash tests: the directory (and its append-only file) is kept. */
  kill(): Promise<void>
  /** Starts the server again on the same port and directory (after `kill`), reloading its data. */
  restart(): Promise<void>
  /** Stops the server and removes its directory. */
  stop(): Promise<void>
}

/** Resolves true once something accepts TCP connections on `port`. */
function probe(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** The `process_id` of the Redis server listening on `port` (from `INFO server`), or undefined. */
function listenerPid(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    let reply = ''
    const done = (pid: number | undefined) => {
      socket.destroy()
      resolve(pid)
    }
    socket.setTimeout(2_000, () => done(undefined))
    socket.once('error', () => done(undefined))
    socket.on('data', (chunk) => {
      reply += String(chunk)
      const match = /process_id:(\d+)/.exec(reply)
      if (match) done(Number(match[1]))
    })
    socket.once('connect', () => socket.write('*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n'))
  })
}

interface Running {
  child: ChildProcess
  exited: Promise<void>
}

async function launch(args: string[], port: number, log: (text: string) => void): Promise<Running> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout!.on('data', (d) => log(String(d)))
  child.stderr!.on('data', (d) => log(String(d)))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve)
    child.once('error', (error) =>
      reject(new Error(`Cannot start redis-server (${error.message}): install it with 'bash scripts/ensure-system-deps.sh redis'`)),
    )
  })
  const deadline = Date.now() + 10_000
  while (!(await probe(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`redis-server did not listen on ${port} in 10 s`)
    }
    await new Promise((r) => setTimeout(r, 10))
  }
  // The server on the port must be the one started here, not another that held the port.
  const pid = await listenerPid(port)
  if (pid !== child.pid) {
    child.kill('SIGKILL')
    throw new Error(`The Redis server on port ${port} is process ${pid}, not the redis-server started here (${child.pid})`)
  }
  return { child, exited }
}

export async function startRedis(options: { extraArgs?: string[]; port?: number } = {}): Promise<TestRedis> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-redis-'))
  const port = options.port ?? (await freePort())
  const args = [
    '--bind', '127.0.0.1',
    '--port', String(port),
    '--dir', dir,
    '--appendonly', 'yes',
    '--appendfsync', 'always',
    '--save', '',
    '--logfile', '',
    '--daemonize', 'no',
    ...(options.extraArgs ?? []),
  ]
  let output = ''
  const log = (text: string) => (output += text)
  const start = async () => {
    try {
      return await launch(args, port, log)
    } catch (error) {
      throw new Error(`${(error as Error).message}:\n${output}`, { cause: error })
    }
  }
  let running = await start()

  const halt = async (signal: NodeJS.Signals) => {
    const { child, exited } = running
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get process() {
      return running.child
    },
    output: () => output,
    kill: () => halt('SIGKILL'),
    async restart() {
      await halt('SIGKILL')
      running = await start()
    },
    async stop() {
      await halt('SIGTERM')
      await rm(dir, { recursive: true, force: true })
    },
  }
}
