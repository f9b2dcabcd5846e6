import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'

/**
 * The project's root: the nearest directory up from the working directory with `next.config.ts`.
 * (Not `import.meta`: Playwright loads this file as CommonJS, Vitest and the benchmarks as ESM.)
 */
const root = (() => {
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'next.config.ts'))) return dir
    if (dir === path.dirname(dir)) throw new Error(`Run the tests from inside the project (no next.config.ts above ${process.cwd()})`)
  }
})()

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export interface TestServer {
  baseUrl: string
  port: number
  dataDir: string
  process: ChildProcess
  /** Output so far, for failure messages. */
  output(): string
  /** Stops the server (SIGTERM) and removes its data directory unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<void>
  /** SIGKILL, for crash tests; the data directory is kept. */
  kill(): Promise<void>
}

export interface ServerOptions {
  env?: Record<string, string>
  /** The checkout whose production build runs (benchmarks compare against another worktree); default this one. */
  root?: string
  dataDir?: string
  /** Run the server as this user (when tests run as root, so that file permissions apply). */
  user?: { uid: number; gid: number }
  /** A command the server runs under (a benchmark's `strace` that slows the disk's flushes down). */
  prefix?: string[]
}

/**
 * Starts the production build (`next start`) on a free port on 127.0.0.1 with its own data
 * directory, and waits for `/api/health`. Requires `npm run build` first.
 */
export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const dir = options.root ?? root
  if (!existsSync(path.join(dir, '.next', 'BUILD_ID'))) {
    throw new Error('No production build: run `npm run build` before the integration tests')
  }
  const port = await freePort()
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'sluice-test-')))
  const command = [process.execPath, path.join(dir, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)]
  const [program, ...args] = [...(options.prefix ?? []), ...command]
  const child = spawn(program!, args, {
    cwd: dir,
    env: { ...process.env, NODE_ENV: 'production', SLUICE_DATA_DIR: dataDir, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options.user,
  })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const baseUrl = `http://127.0.0.1:${port}`

  // The process that serves: `child`, or under a prefix (strace) the prefix's child.
  let serving = child.pid!
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output}`)
    try {
      // Plain fetch options, no cookie: health reads no identity. The answer must come from the
      // process started here (its pid), not from whatever else may hold the port.
      const res = await fetch(`${baseUrl}/api/health`)
      if (res.ok) {
        const { pid } = (await res.json()) as { pid?: number }
        if (pid !== undefined && (pid === child.pid || (options.prefix && parentOf(pid) === child.pid))) {
          serving = pid
          break
        }
        child.kill('SIGKILL')
        throw new Error(`Another process (pid ${pid}) answered on port ${port}, not the next start this test started (pid ${child.pid})`)
      }
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('Another process')) throw error
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`next start did not become healthy in 60 s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }

  // Signals go to the serving process: a prefix such as strace, stopped, would leave it running.
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(serving, name)
    } catch {
      // already gone
    }
  }
  return {
    baseUrl,
    port,
    dataDir,
    process: child,
    output: () => output,
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null) {
        signal('SIGTERM')
        const timer = setTimeout(() => signal('SIGKILL'), 5_000)
        await exited
        clearTimeout(timer)
      }
      if (!keepData && !options.dataDir) await rm(dataDir, { recursive: true, force: true })
    },
    async kill() {
      if (child.exitCode === null) {
        signal('SIGKILL')
        await exited
      }
    },
  }
}

/** The parent of a process, from `/proc/<pid>/stat` (Linux). */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return undefined
  }
}
