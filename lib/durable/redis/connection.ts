import { createClient, defineScript, RESP_TYPES, type CommandParser, type RedisArgument } from 'redis'
import * as lua from '@/lib/durable/redis/lua'
import * as lifecycle from '@/lib/durable/redis/lua-lifecycle'
import { AppError } from '@/lib/errors'

/**
 * Connections of the Redis store, on node-redis (the `redis` package): Redis's own client, kept
 * current with the server, speaking RESP3, with Redis Cluster support (`createCluster`) and Lua
 * scripts registered by SHA (`EVALSHA`, falling back to `EVAL` once per connection).
 */

/** What a Lua script answers: arrays of strings, integers and nested arrays. */
export type ScriptReply = Array<string | number | ScriptReply>

export type RedisConnection = ReturnType<typeof createConnection>

function script(source: string, numberOfKeys: number) {
  return defineScript({
    SCRIPT: source,
    NUMBER_OF_KEYS: numberOfKeys,
    parseCommand(parser: CommandParser, keys: readonly string[], args: readonly RedisArgument[]) {
      for (const key of keys) parser.pushKey(key)
      parser.push(...args)
    },
    transformReply: (reply: unknown) => reply as ScriptReply,
  })
}

const scripts = {
  createStream: script(lua.CREATE, 3),
  appendStream: script(lua.APPEND, 3),
  touchStream: script(lua.TOUCH, 1),
  removeStream: script(lifecycle.REMOVE, 3),
  pinSource: script(lifecycle.PIN_SOURCE, 1),
  releaseSource: script(lifecycle.RELEASE_SOURCE, 1),
  finishCompression: script(lifecycle.FINISH_COMPRESSION, 3),
  zRemIfScore: script(lifecycle.ZREM_IF_SCORE, 1),
}

/**
 * A client with the store's scripts. It does not queue commands while disconnected (they fail
 * at once, see `availability.ts`) and reconnects with a capped backoff. Call `connect()` on it.
 */
export function createConnection(url: string) {
  return createClient({
    url,
    RESP: 3,
    scripts,
    disableOfflineQueue: true,
    socket: { connectTimeout: 5_000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000) },
  })
}

/** Logs a connection's failures once per outage (not once per reconnection attempt). */
function logOutages(connection: RedisConnection, role: string): void {
  let healthy = true
  connection.on('error', (error: unknown) => {
    if (!healthy) return
    healthy = false
    console.error(`[sluice] redis (${role}) connection failed:`, error instanceof Error ? error.message : error)
  })
  connection.on('ready', () => {
    if (!healthy) console.error(`[sluice] redis (${role}) connection is back`)
    healthy = true
  })
}


/** The same connection, answering bulk strings as `Buffer`s: for stream bytes. */
export function binaryView(connection: RedisConnection) {
  return connection.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer })
}

export type BinaryConnection = ReturnType<typeof binaryView>

/**
 * Opens a command connection and a subscriber connection (pub/sub needs its own), or fails with
 * `unavailable:store` after `timeoutMs` — a client keeps retrying a server it cannot reach, so
 * without a deadline a request would wait forever.
 */
export async function connectPair(url: string, timeoutMs: number): Promise<{ client: RedisConnection; subscriber: RedisConnection }> {
  const client = createConnection(url)
  const subscriber = client.duplicate()
  logOutages(client, 'commands')
  logOutages(subscriber, 'subscriber')
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('unavailable:store', `Cannot reach Redis (REDIS_URL) within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    await Promise.race([Promise.all([client.connect(), subscriber.connect()]), deadline])
    return { client, subscriber }
  } catch (error) {
    client.destroy()
    subscriber.destroy()
    throw error
  } finally {
    clearTimeout(timer)
  }
}
