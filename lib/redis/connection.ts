import { createClient, createCluster, RESP_TYPES } from 'redis'
import type { RedisSettings, RedisTarget } from '@/lib/config'
import { AppError } from '@/lib/errors'
import { scriptsFor, type Scripts } from '@/lib/redis/scripts'

/**
 * The connections of one process to Redis — one server or a Redis Cluster — on node-redis (the
 * `redis` package), and what every Redis backend is handed: a {@link RedisContext}.
 *
 * - **One server** (`REDIS_URL`): a command connection and a subscriber connection (a connection
 *   in pub/sub mode can do nothing else); wake-ups and stops use `PUBLISH`/`SUBSCRIBE`.
 * - **A cluster** (`REDIS_CLUSTER_NODES`): node-redis's cluster client, which discovers the
 *   topology, keeps a connection per master, routes each command to the master of its key's
 *   hash slot (following `MOVED`/`ASK`), and refreshes the topology when a node stops
 *   answering. Wake-ups and stops use sharded pub/sub (`SPUBLISH`/`SSUBSCRIBE`, Redis ≥ 7): a
 *   message reaches only the shard that owns its channel's slot; the client subscribes on that
 *   shard's master and subscribes again where a slot moved (after a failover or a resharding).
 *
 * Every key a command or script touches carries a hash tag (`{…}`) shared with the other keys of
 * the same change, so nothing here or in the features depends on the kind of deployment.
 */

function createServerClient(url: string) {
  return createClient({
    url,
    RESP: 3,
    scripts: scriptsFor('PUBLISH'),
    // Commands fail at once while disconnected (503) instead of queueing without bound.
    disableOfflineQueue: true,
    socket: { connectTimeout: 5_000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000) },
  })
}

/**
 * The commands every backend uses, with the registered scripts. Typed as the one-server client:
 * the cluster client has the same command methods (and `multi()`, scripts, `withTypeMapping`),
 * routed by key; what differs — connections, pub/sub, `WAIT` — is behind {@link RedisContext}.
 */
export type RedisCommands = ReturnType<typeof createServerClient>

/** The same commands, answering bulk strings as `Buffer`s: for stream bytes. */
export type BinaryCommands = ReturnType<RedisCommands['withTypeMapping']>

/** A message listener; messages are strings. */
export type ChannelListener = (message: string) => void

/** Pub/sub as the backends use it: plain on one server, sharded on a cluster. */
export interface Channels {
  /** Resolves once Redis has confirmed the subscription. */
  subscribe(channel: string, listener: ChannelListener): Promise<void>
  unsubscribe(channel: string, listener?: ChannelListener): Promise<void>
  /** Publishes outside a script (`PUBLISH`; `SPUBLISH`, to the channel's shard, on a cluster). */
  publish(channel: string, message: string): Promise<void>
  /**
   * Calls `wake` whenever messages may have been missed: a subscriber connection came back
   * (pub/sub does not queue for a disconnected subscriber), so listeners should look again.
   */
  onResume(wake: () => void): void
}

/** What each Redis backend is handed: one per process, shared by every feature. */
export interface RedisContext {
  readonly kind: RedisTarget['kind']
  readonly prefix: string
  readonly commands: RedisCommands
  readonly binary: BinaryCommands
  readonly channels: Channels
  /**
   * After a write to `key`'s slot: resolves once `minReplicas` replicas confirm they have it
   * (`WAIT`, on the connection that wrote, to the master that owns the slot), at once when
   * `minReplicas` is 0. Fails with `503 unavailable:replicas` when fewer confirm in time: the
   * write is on the master but may not survive its failover.
   */
  replicated(key: string): Promise<void>
  close(): Promise<void>
  destroy(): void
}

/** Logs a connection's failures once per outage (not once per reconnection attempt). */
function logOutages(on: (event: string, listener: (arg?: unknown) => void) => unknown, role: string, failed: string, back: string): void {
  let healthy = true
  on(failed, (error) => {
    if (!healthy) return
    healthy = false
    console.error(`[sluice] redis (${role}) connection failed:`, error instanceof Error ? error.message : error)
  })
  on(back, () => {
    if (!healthy) console.error(`[sluice] redis (${role}) connection is back`)
    healthy = true
  })
}

function replicasNotConfirmed(confirmed: number, settings: RedisSettings): AppError {
  return new AppError(
    'unavailable:replicas',
    `The write reached Redis, but ${confirmed} of the ${settings.minReplicas} replica(s) required (SLUICE_REDIS_MIN_REPLICAS) confirmed it within ${settings.waitTimeoutMs} ms: ` +
      'it may or may not survive a failover. Retrying is safe for idempotent writes (durable stream producers).',
  )
}

function serverContext(settings: RedisSettings, url: string): { context: RedisContext; connect: () => Promise<unknown> } {
  const client = createServerClient(url)
  const subscriber = client.duplicate()
  logOutages(client.on.bind(client), 'commands', 'error', 'ready')
  logOutages(subscriber.on.bind(subscriber), 'subscriber', 'error', 'ready')
  const context: RedisContext = {
    kind: 'server',
    prefix: settings.prefix,
    commands: client,
    binary: client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }),
    channels: {
      subscribe: (channel, listener) => subscriber.subscribe(channel, listener),
      unsubscribe: (channel, listener) => subscriber.unsubscribe(channel, listener),
      publish: async (channel, message) => void (await client.publish(channel, message)),
      onResume: (wake) => void subscriber.on('ready', wake),
    },
    async replicated() {
      if (settings.minReplicas === 0) return
      const confirmed = Number(await client.sendCommand(['WAIT', String(settings.minReplicas), String(settings.waitTimeoutMs)]))
      if (confirmed < settings.minReplicas) throw replicasNotConfirmed(confirmed, settings)
    },
    close: async () => void (await Promise.all([client.close(), subscriber.close()])),
    destroy: () => {
      client.destroy()
      subscriber.destroy()
    },
  }
  return { context, connect: () => Promise.all([client.connect(), subscriber.connect()]) }
}

/**
 * How long after a node connection failed every node connection that becomes ready wakes the
 * listeners: the client reads the new topology, and subscribes again on a promoted replica, a
 * moment after the first connection comes back, and messages published in between are lost.
 */
const RESUME_WINDOW_MS = 10_000

function resumeAfterOutages(cluster: { on(event: string, listener: () => void): unknown }, wake: () => void): void {
  let lostAt = -Infinity
  const lost = () => (lostAt = Date.now())
  cluster.on('node-error', lost)
  cluster.on('node-reconnecting', lost)
  cluster.on('node-disconnect', lost)
  cluster.on('node-ready', () => {
    if (Date.now() - lostAt < RESUME_WINDOW_MS) wake()
  })
}

function clusterContext(settings: RedisSettings, nodes: string[]): { context: RedisContext; connect: () => Promise<unknown> } {
  const cluster = createCluster({
    rootNodes: nodes.map((url) => ({ url })),
    RESP: 3,
    scripts: scriptsFor('SPUBLISH'),
    defaults: {
      disableOfflineQueue: true,
      socket: { connectTimeout: 5_000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000) },
    },
    // A node that stops answering (a master killed before its replica is promoted) makes the
    // client read the topology again after 1 s instead of the default 5 s.
    topologyRefreshOnReconnectionAttemptStrategy: 1_000,
  })
  logOutages(cluster.on.bind(cluster), 'cluster', 'node-error', 'node-ready')
  // Topology discovery failures (a root node down); without a listener they would crash the process.
  cluster.on('error', (error: unknown) => console.error('[sluice] redis cluster:', error instanceof Error ? error.message : error))
  // The cluster client has the one-server client's command methods, routed by key: see RedisCommands.
  const commands = cluster as unknown as RedisCommands
  const context: RedisContext = {
    kind: 'cluster',
    prefix: settings.prefix,
    commands,
    binary: cluster.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }) as unknown as BinaryCommands,
    channels: {
      subscribe: (channel, listener) => cluster.sSubscribe(channel, listener),
      unsubscribe: (channel, listener) => cluster.sUnsubscribe(channel, listener),
      publish: async (channel, message) => void (await cluster.sPublish(channel, message)),
      onResume: (wake) => resumeAfterOutages(cluster, wake),
    },
    async replicated(key) {
      if (settings.minReplicas === 0) return
      const reply = await cluster.sendCommand(key, false, ['WAIT', String(settings.minReplicas), String(settings.waitTimeoutMs)])
      const confirmed = Number(reply)
      if (confirmed < settings.minReplicas) throw replicasNotConfirmed(confirmed, settings)
    },
    close: () => cluster.close(),
    destroy: () => cluster.destroy(),
  }
  return { context, connect: () => cluster.connect() }
}

/**
 * Opens the connections, or fails with `unavailable:store` after `connectTimeoutMs` — a client
 * keeps retrying a server it cannot reach, so without a deadline a request would wait forever.
 */
export async function openRedis(settings: RedisSettings): Promise<RedisContext> {
  const { context, connect } =
    settings.target.kind === 'server' ? serverContext(settings, settings.target.url) : clusterContext(settings, settings.target.nodes)
  const what = settings.target.kind === 'server' ? 'Redis (REDIS_URL)' : 'the Redis Cluster (REDIS_CLUSTER_NODES)'
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AppError('unavailable:store', `Cannot reach ${what} within ${settings.connectTimeoutMs} ms`)),
      settings.connectTimeoutMs,
    )
  })
  try {
    await Promise.race([connect(), deadline])
    return context
  } catch (error) {
    context.destroy()
    throw error
  } finally {
    clearTimeout(timer)
  }
}

/** Settings for tests and tools: one server at `url` (or a cluster), no replicas required. */
export function redisSettings(target: RedisTarget | string, overrides: Partial<Omit<RedisSettings, 'target'>> = {}): RedisSettings {
  return {
    target: typeof target === 'string' ? { kind: 'server', url: target } : target,
    prefix: 'sluice:',
    connectTimeoutMs: 10_000,
    minReplicas: 0,
    waitTimeoutMs: 1_000,
    ...overrides,
  }
}

export type { RedisSettings, RedisTarget, Scripts }
