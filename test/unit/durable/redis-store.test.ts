import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { followStream } from '@/lib/durable/follow'
import { withUnavailableErrors } from '@/lib/durable/redis/availability'
import { RedisStore } from '@/lib/durable/redis/redis-store'
import { KeySpace, SEGMENT_BYTES, segmentKey } from '@/lib/durable/redis/keys'
import type { StreamMeta, StreamStore } from '@/lib/durable/store'
import { ChangeNotifier } from '@/lib/notifier'
import { openRedis, redisSettings, type RedisContext } from '@/lib/redis/connection'
import { startRedis } from '../../support/redis'
import { openTestContext } from '../../support/redis-context'
import { withTestRedis } from '../../support/with-redis'
import { freePort } from '../../support/server'
import { waitFor } from '../../support/wait'
import { describeStoreContract } from './store-contract'

/**
 * The Redis store against a real redis-server (one per file, started by the test): the same
 * contract suite as the embedded store, then what only Redis has — several instances sharing
 * one server, segment boundaries, hash tags, keys freed on delete.
 */
const redis = withTestRedis()
const prefix = redis.prefix

/** A store on its own connections (an app instance); disposing it closes them. */
async function connect(url: string, options: { prefix?: string; now?: () => number } = {}): Promise<RedisStore> {
  const context = await openTestContext({ kind: 'server', url }, { prefix: options.prefix ?? 'sluice:' })
  const store = new RedisStore(context, { now: options.now })
  const dispose = store.dispose.bind(store)
  store.dispose = async () => {
    await dispose()
    await context.close()
  }
  return store
}

describeStoreContract('redis', async ({ now }) => {
  const store = await connect(redis.url, { prefix: prefix(), now })
  return { store, settle: () => store.idle(), cleanup: () => store.dispose() }
})

const text = (s: string) => new TextEncoder().encode(s)
const plain = { contentType: 'text/plain', expiry: { kind: 'none' } } as const

async function readAll(store: StreamStore, meta: StreamMeta, from = 0, to = meta.tail): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  for await (const chunk of store.read(meta, from, to)) chunks.push(chunk)
  return Buffer.concat(chunks)
}

async function live(store: StreamStore, path: string): Promise<StreamMeta> {
  const found = await store.lookup(path)
  if (found.state !== 'live') throw new Error(`expected ${path} to be live, it is ${found.state}`)
  return found.meta
}

describe('redis store across instances', () => {
  async function twoInstances() {
    const shared = prefix()
    const a = await connect(redis.url, { prefix: shared })
    const b = await connect(redis.url, { prefix: shared })
    return { a, b, [Symbol.asyncDispose]: () => Promise.all([a.dispose(), b.dispose()]).then(() => undefined) }
  }

  test('an append through one instance wakes every reader waiting on the other', async () => {
    await using pair = await twoInstances()
    await pair.a.create('x/live', plain)
    const waits = Array.from({ length: 10 }, () => pair.b.waitForChange('x/live', 0, { timeoutMs: 60_000 }))
    // A wait resolves 'changed' only after its subscription is confirmed and the check passed.
    await pair.a.append('x/live', { data: text('hello') })
    expect(await Promise.all(waits)).toEqual(Array(10).fill('changed'))
    expect((await readAll(pair.b, await live(pair.b, 'x/live'))).toString()).toBe('hello')
  })

  /** Counts the metadata reads (`HGETALL`) and byte reads (`GETRANGE`) an instance sends. */
  function countReads(context: RedisContext) {
    const hGetAll = vi.spyOn(context.commands, 'hGetAll')
    const getRange = vi.spyOn(context.binary, 'getRange')
    return {
      get hGetAll() {
        return hGetAll.mock.calls.length
      },
      get getRange() {
        return getRange.mock.calls.length
      },
      reset() {
        hGetAll.mockClear()
        getRange.mockClear()
      },
    }
  }

  test('the readers of a stream woken by one append share one metadata read and one byte read per instance', async () => {
    const shared = prefix()
    const a = await connect(redis.url, { prefix: shared })
    const context = await openTestContext({ kind: 'server', url: redis.url }, { prefix: shared })
    const counts = countReads(context)
    const notifier = new ChangeNotifier()
    const b = new RedisStore(context, { notifier })
    const controller = new AbortController()
    try {
      await a.create('x/shared', plain)
      await a.append('x/shared', { data: text('abc') })
      const first = await live(b, 'x/shared')
      // Twelve readers at the tail, and two that catch up first from other offsets (reading for themselves).
      const froms = [...Array<number>(12).fill(3), 0, 1]
      const got = froms.map(() => '')
      const following = froms.map(async (from, i) => {
        for await (const item of followStream(b, first, from, { signal: controller.signal })) {
          if (item.kind === 'data') got[i] += Buffer.from(item.bytes).toString()
        }
      })
      const all = (content: string) => got.every((seen, i) => seen === content.slice(froms[i]))
      await waitFor('the catching-up readers to read their own ranges', () => all('abc'))
      await waitFor('every reader to wait', () => notifier.subscribers('x/shared') === froms.length)
      await live(b, 'x/shared') // answered after the readers' checks (one connection, in order)
      counts.reset()

      await a.append('x/shared', { data: text('defg') })
      // Exactly these bytes, each once: a reader handed another offset's range, twice, or not at all never matches.
      await waitFor('every reader to receive the append once', () => all('abcdefg'))
      await waitFor('every reader to wait again', () => notifier.subscribers('x/shared') === froms.length)
      await live(b, 'x/shared')
      expect(counts.getRange).toBe(1)
      // The woken readers' lookup, their check before waiting again, and the test's own lookup: one each.
      expect(counts.hGetAll).toBeLessThanOrEqual(3)
      expect(got.map((seen, i) => seen === 'abcdefg'.slice(froms[i]))).toEqual(froms.map(() => true))
      controller.abort()
      await Promise.all(following)
    } finally {
      controller.abort()
      await b.dispose()
      await context.close()
      await a.dispose()
    }
  })

  test('concurrent appends from two instances land whole, each once, in one order both see', async () => {
    await using pair = await twoInstances()
    await pair.a.create('x/race', plain)
    const part = (who: string, i: number) => `<${who}${String(i).padStart(3, '0')}>`
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 === 0 ? pair.a : pair.b).append('x/race', { data: text(part(i % 2 === 0 ? 'a' : 'b', i)) }),
      ),
    )
    const seenByA = (await readAll(pair.a, await live(pair.a, 'x/race'))).toString()
    const seenByB = (await readAll(pair.b, await live(pair.b, 'x/race'))).toString()
    expect(seenByA).toBe(seenByB)
    expect(seenByA.match(/<[ab]\d{3}>/g)).toHaveLength(200)
    expect(seenByA).toHaveLength(200 * 6)
  })

  test('producer fencing holds across instances', async () => {
    await using pair = await twoInstances()
    await pair.a.create('x/fence', plain)
    expect((await pair.a.append('x/fence', { data: text('a'), producer: { id: 'p', epoch: 0, seq: 0 } })).kind).toBe('ok')
    expect((await pair.b.append('x/fence', { data: text('b'), producer: { id: 'p', epoch: 1, seq: 0 } })).kind).toBe('ok')
    expect(await pair.a.append('x/fence', { data: text('c'), producer: { id: 'p', epoch: 0, seq: 1 } })).toEqual({
      kind: 'stale-epoch',
      epoch: 1,
    })
  })
})

describe('redis store storage', () => {
  let store: RedisStore
  let keyPrefix: string
  beforeAll(async () => {
    keyPrefix = prefix()
    store = await connect(redis.url, { prefix: keyPrefix })
  })
  afterAll(async () => {
    await store?.dispose()
  })

  async function keys(): Promise<string[]> {
    const client = await createClient({ url: redis.url }).connect()
    try {
      return (await client.keys(`${keyPrefix}*`)).sort()
    } finally {
      client.destroy()
    }
  }

  test('appends across segment boundaries read back exactly, from any position', async () => {
    const size = 2 * SEGMENT_BYTES + 12_345
    const data = Buffer.alloc(size)
    for (let i = 0; i < size; i++) data[i] = (i * 31 + (i >> 8)) % 251
    await store.create('seg/big', plain)
    for (const [from, to] of [
      [0, 100],
      [100, SEGMENT_BYTES - 3],
      [SEGMENT_BYTES - 3, SEGMENT_BYTES + 700_000],
      [SEGMENT_BYTES + 700_000, size],
    ] as const) {
      expect((await store.append('seg/big', { data: data.subarray(from, to) })).kind).toBe('ok')
    }
    const meta = await live(store, 'seg/big')
    expect(meta.tail).toBe(size)
    expect((await readAll(store, meta)).equals(data)).toBe(true)
    for (const [from, to] of [
      [SEGMENT_BYTES - 10, SEGMENT_BYTES + 10],
      [5, 6],
      [2 * SEGMENT_BYTES, size],
    ] as const) {
      expect((await readAll(store, meta, from, to)).equals(data.subarray(from, to))).toBe(true)
    }
  })

  test('a segment filled by many small appends takes about its size in Redis memory', async () => {
    await store.create('seg/small', plain)
    const piece = Buffer.alloc(SEGMENT_BYTES / 16, 'm')
    for (let i = 0; i < 17; i++) await store.append('seg/small', { data: piece })
    const meta = await live(store, 'seg/small')
    const client = await createClient({ url: redis.url }).connect()
    try {
      const used = await client.memoryUsage(segmentKey(new KeySpace(keyPrefix).stream('seg/small').base, meta.incarnation, 0))
      expect(used).toBeLessThan(SEGMENT_BYTES * 1.01) // growing by APPEND alone, it would take up to twice that
    } finally {
      client.destroy()
    }
    expect((await readAll(store, meta)).equals(Buffer.alloc(17 * piece.byteLength, 'm'))).toBe(true)
  })

  test('every key of a stream carries the stream path as its hash tag', async () => {
    await store.create('tag/a{b}%c', { ...plain, initial: text('x') })
    await store.append('tag/a{b}%c', { data: text('y'), producer: { id: 'p', epoch: 0, seq: 0 } })
    const streamKeys = (await keys()).filter((k) => k.includes(':ds:{'))
    expect(streamKeys.length).toBeGreaterThanOrEqual(3) // meta, producers, one segment
    for (const key of streamKeys.filter((k) => k.includes('tag/'))) expect(key).toContain('{tag/a%7Bb%7D%25c}:')
  })

  test('deleting streams frees every key, forks and compressed data included', async () => {
    await store.create('free/src', { ...plain, initial: text('a'.repeat(5000)) })
    await store.create('free/fork', { ...plain, fork: { source: 'free/src', position: 4000, anchor: 4000, subOffset: 0 } })
    await store.create('free/gz', { ...plain, compress: true })
    await store.append('free/gz', { data: text('b'.repeat(5000)), close: true })
    await store.idle()
    expect((await live(store, 'free/gz')).compressed).toBe(true)
    expect(await store.delete('free/src')).toBe('soft-deleted')
    for (const p of ['free/fork', 'free/gz', 'seg/big', 'seg/small', 'tag/a{b}%c']) expect(await store.delete(p)).toBe('deleted')
    expect(await store.lookup('free/src')).toEqual({ state: 'missing' })
    expect(await keys()).toEqual([])
  })
})

/** Resolves once someone is subscribed to `channel` (a reader waits). */
async function subscribed(url: string, channel: string): Promise<void> {
  const client = await createClient({ url }).connect()
  try {
    await waitFor(`a subscriber on ${channel}`, async () => ((await client.pubSubNumSub(channel))[channel] ?? 0) > 0, 10_000, 5)
  } finally {
    client.destroy()
  }
}

describe('redis store when Redis is unreachable', () => {
  test('opening fails with unavailable:store instead of waiting forever', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`
    await expect(openRedis(redisSettings(url, { connectTimeoutMs: 300 }))).rejects.toMatchObject({ code: 'unavailable:store', status: 503 })
  })

  test('readers waiting when the connection dropped are woken to look again once it is back', async () => {
    const own = await startRedis()
    const store = await connect(own.url)
    try {
      await store.create('drop/s', plain)
      // Appends made while the subscriber is away are never announced; a woken reader re-checks.
      const waiting = store.waitForChange('drop/s', 0, { timeoutMs: 60_000 })
      await subscribed(own.url, new KeySpace('sluice:').stream('drop/s').channel)
      // The reader's check before waiting is answered by then (one connection, in order): it waits.
      await store.lookup('drop/s')
      await own.restart()
      expect(await waiting).toBe('changed')
    } finally {
      await store.dispose()
      await own.stop()
    }
  })

  test('requests fail at once with unavailable:store while the server is down', async () => {
    const own = await startRedis()
    const store = withUnavailableErrors(await connect(own.url))
    try {
      await store.create('down/s', { ...plain, initial: text('x') })
      await own.stop()
      await expect(store.lookup('down/s')).rejects.toMatchObject({ code: 'unavailable:store' })
      await expect(store.append('down/s', { data: text('y') })).rejects.toMatchObject({ code: 'unavailable:store' })
    } finally {
      await store.dispose().catch(() => undefined)
    }
  })
})
