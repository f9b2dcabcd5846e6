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

/**
 * The arguments of every redis-server started here (`extra` last, so it may override them): bound
 * to 127.0.0.1, its own directory, an append-only file synced on every write (the persistence
 * Sluice documents), no RDB snapshots, its log on standard output, in the foreground.
 */
function serverArgs(port: number, dir: string, extra: readonly string[] = []): string[] {
  return [
    ...['--bind', '127.0.0.1', '--port', String(port), '--dir', dir],
    ...['--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--logfile', '', '--daemonize', 'no'],
    ...extra,
  ]
}

/** Sends `signal` to a server that is still running and waits for it to exit (SIGKILL after 5 s). */
async function stopServer({ child, exited }: Running, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
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
  const args = serverArgs(port, dir, options.extraArgs)
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

  const halt = (signal: NodeJS.Signals) => stopServer(running, signal)

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

/** One node of a {@link TestRedisCluster}. */
export interface TestClusterNode {
  port: number
  dir: string
  /** `127.0.0.1:<port>`, as the cluster names it. */
  address: string
  /** The running server process (the one this helper started: its pid was checked). */
  readonly process: ChildProcess
  /** SIGKILL, for failover tests: the node's directory (its AOF and `nodes.conf`) is kept. */
  kill(): Promise<void>
  /** Starts a killed node again on its directory: it rejoins the cluster (a replica, if it was failed over). */
  restart(): Promise<void>
}

/**
 * A private Redis Cluster: three masters and three replicas (`redis-cli --cluster create …
 * --cluster-replicas 1`), each node a `redis-server` started here on free ports of 127.0.0.1,
 * with its own directory and append-only file (`appendfsync always`), and a short
 * `cluster-node-timeout` so that a killed master's replica is promoted within about two seconds.
 */
export interface TestRedisCluster {
  nodes: TestClusterNode[]
  /** `host:port,…` of every node, for `REDIS_CLUSTER_NODES`. */
  setting: string
  /** The node that is master of `key`'s hash slot now. */
  masterOf(key: string): Promise<TestClusterNode>
  /** Waits until every live node agrees that the cluster is whole (`cluster_state:ok`) and no master is `fail`. */
  settled(timeoutMs?: number): Promise<void>
  /** After `victim` was killed: waits until another node is master of `key`'s slot and the cluster is whole; returns it. */
  failedOver(victim: TestClusterNode, key: string, timeoutMs?: number): Promise<TestClusterNode>
  /** The nodes' logs so far, for failure messages. */
  output(): string
  /** Stops every node and removes their directories. */
  stop(): Promise<void>
}

/** A free port whose cluster bus port (+10000) is free as well. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await freePort()
    if (port + 10_000 > 65_535 || taken.has(port) || taken.has(port + 10_000)) continue
    if (await probe(port + 10_000)) continue
    taken.add(port)
    taken.add(port + 10_000)
    return port
  }
}

/** Runs `redis-cli` with `args`; resolves to its standard output, rejects with both outputs. */
function redisCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout!.on('data', (d) => (out += String(d)))
    child.stderr!.on('data', (d) => (out += String(d)))
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`redis-cli ${args.join(' ')} exited with ${code}:\n${out}`)),
    )
  })
}

export async function startRedisCluster(options: { nodeTimeoutMs?: number } = {}): Promise<TestRedisCluster> {
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 1_000
  const taken = new Set<number>()
  const logs: string[] = []
  const nodes: Array<TestClusterNode & { running: Running; dead: boolean }> = []
  const stopAll = async () => {
    await Promise.all(
      nodes.map(async (node) => {
        await stopServer(node.running, 'SIGTERM')
        await rm(node.dir, { recursive: true, force: true })
      }),
    )
  }
  try {
    await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const dir = await mkdtemp(path.join(os.tmpdir(), `sluice-redis-cluster-${i}-`))
        const port = await freeClusterPort(taken)
        const args = serverArgs(port, dir, [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          String(nodeTimeoutMs),
        ])
        logs[i] = ''
        const running = await launch(args, port, (text) => (logs[i] += text))
        const node = {
          port,
          dir,
          address: `127.0.0.1:${port}`,
          running,
          dead: false,
          get process() {
            return node.running.child
          },
          async kill() {
            node.dead = true
            await stopServer(node.running, 'SIGKILL')
          },
          async restart() {
            if (!node.dead) throw new Error(`${node.address} is running`)
            node.running = await launch(args, port, (text) => (logs[i] += text))
            node.dead = false
          },
        }
        nodes[i] = node
      }),
    )
    await redisCli(['--cluster', 'create', ...nodes.map((n) => n.address), '--cluster-replicas', '1', '--cluster-yes'])
  } catch (error) {
    await stopAll()
    throw new Error(`Cannot start the Redis Cluster: ${(error as Error).message}\n${logs.join('\n')}`, { cause: error })
  }

  const ask = async (node: TestClusterNode, ...command: string[]) => redisCli(['-p', String(node.port), ...command])
  const cluster: TestRedisCluster = {
    nodes,
    setting: nodes.map((n) => n.address).join(','),
    async masterOf(key) {
      const live = nodes.find((n) => !n.dead)!
      const slotReply = await ask(live, 'CLUSTER', 'KEYSLOT', key)
      const slot = Number(slotReply.trim())
      const view = await ask(live, 'CLUSTER', 'NODES')
      // CLUSTER NODES: <id> <address@bus> <flags> <master> <ping> <pong> <epoch> <state> <slot ranges…>
      for (const line of view.trim().split('\n')) {
        const [, address = '', flags = '', , , , , , ...ranges] = line.split(' ')
        if (!flags.includes('master') || flags.includes('fail')) continue
        const owns = ranges.some((range) => {
          const [from, to = from] = range.split('-').map(Number)
          return from !== undefined && to !== undefined && slot >= from && slot <= to
        })
        if (owns) {
          const node = nodes.find((n) => n.address === address.split('@')[0])
          if (node) return node
        }
      }
      throw new Error(`No live master owns the slot of ${key} (${slotReply.trim()}) in the view of ${live.address}:\n${view}`)
    },
    async settled(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const live = nodes.filter((n) => !n.dead)
        const states = await Promise.all(live.map((n) => ask(n, 'CLUSTER', 'INFO').catch(() => '')))
        const views = await Promise.all(live.map((n) => ask(n, 'CLUSTER', 'NODES').catch(() => '')))
        const replicasUp = await Promise.all(
          live.map(async (n) => {
            const info = await ask(n, 'INFO', 'replication').catch(() => '')
            return !info.includes('role:slave') || info.includes('master_link_status:up')
          }),
        )
        const ok =
          states.every((s) => s.includes('cluster_state:ok')) &&
          views.every((v) => !v.split('\n').some((l) => /\bmaster\b/.test(l) && /\bfail\??\b/.test(l) && /\d+-\d+|\s\d+$/.test(l))) &&
          replicasUp.every(Boolean)
        if (ok) return
        if (Date.now() > deadline)
          throw new Error(`The Redis Cluster did not settle in ${timeoutMs} ms:\n${states.join('\n')}\n${views.join('\n')}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    },
    async failedOver(victim, key, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const master = await cluster.masterOf(key).catch(() => undefined)
        if (master && master !== victim) {
          await cluster.settled(Math.max(deadline - Date.now(), 1_000))
          return master
        }
        if (Date.now() > deadline) throw new Error(`No replica of ${victim.address} was promoted in ${timeoutMs} ms:\n${cluster.output()}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    },
    output: () => logs.map((log, i) => `--- node ${i} (${nodes[i]?.address})\n${log}`).join('\n'),
    stop: stopAll,
  }
  await cluster.settled()
  return cluster
}
