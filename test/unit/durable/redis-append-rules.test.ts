import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { EmbeddedStore } from '@/lib/durable/embedded/embedded-store'
import { RedisStore } from '@/lib/durable/redis/redis-store'
import type { AppendInput, StreamStore } from '@/lib/durable/store'
import type { RedisContext } from '@/lib/redis/connection'
import { withTestRedis } from '../../support/with-redis'

/**
 * The Redis store applies the append rules (closed streams, idempotent producers, writer
 * sequences) in Lua, the embedded store through `append-rules.ts`. Random sequences of appends —
 * retries, gaps, new and stale epochs, sequence regressions, closes, retried closes — must get the
 * same answers from both, and leave the same bytes.
 */
const redis = withTestRedis({ extraArgs: ['--appendfsync', 'no'] }) // durability is not under test here
let redisStore: RedisStore
let context: RedisContext
let embedded: EmbeddedStore
let dir: string

beforeAll(async () => {
  context = await redis.context()
  redisStore = new RedisStore(context)
  dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-rules-'))
  embedded = await EmbeddedStore.open({ dir })
})
afterAll(async () => {
  await redisStore?.dispose()
  await context?.close()
  await embedded?.dispose()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!
}

function randomAppend(next: () => number, step: number): AppendInput {
  const input: AppendInput = { data: new TextEncoder().encode(`[${step}]`) }
  if (next() < 0.7)
    input.producer = { id: pick(next, ['p', 'q']), epoch: pick(next, [0, 0, 0, 1, 2]), seq: pick(next, [0, 1, 1, 2, 2, 3, 5]) }
  if (next() < 0.3) input.streamSeq = pick(next, ['1', '2', '10', '9', 'b', 'a'])
  if (next() < 0.04) input.close = true
  if (input.close && next() < 0.5) input.data = new Uint8Array(0)
  return input
}

async function content(store: StreamStore, streamPath: string): Promise<string> {
  const found = await store.lookup(streamPath)
  if (found.state !== 'live') throw new Error(`${streamPath} is ${found.state}`)
  const chunks: Uint8Array[] = []
  for await (const chunk of store.read(found.meta, 0, found.meta.tail)) chunks.push(chunk)
  return Buffer.concat(chunks).toString()
}

test('random append sequences get the same answers from the Redis and the embedded store', async () => {
  for (let seed = 1; seed <= 30; seed++) {
    const next = random(seed)
    const streamPath = `rules/seed-${seed}`
    for (const store of [redisStore, embedded]) await store.create(streamPath, { contentType: 'text/plain', expiry: { kind: 'none' } })
    for (let step = 0; step < 30; step++) {
      const input = randomAppend(next, step)
      const fromRedis = await redisStore.append(streamPath, input)
      const fromEmbedded = await embedded.append(streamPath, input)
      expect({ seed, step, input, outcome: fromRedis }).toEqual({ seed, step, input, outcome: fromEmbedded })
    }
    expect(await content(redisStore, streamPath)).toBe(await content(embedded, streamPath))
  }
})
