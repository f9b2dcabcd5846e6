import type { UIMessage } from 'ai'
import { describe, expect, it } from 'vitest'
import { ChatKeys } from '@/lib/chat/redis-keys'
import { RedisChatStore, SEARCH_MAX_CHATS } from '@/lib/chat/redis-store'
import { AppError } from '@/lib/errors'
import type { RedisCommands, RedisContext } from '@/lib/redis/connection'
import { withTestRedis } from '../../support/with-redis'
import { chatStoreContract } from './store.contract'

/**
 * The Redis chat store against a real redis-server (one per file): the contract suite every
 * chat store passes, then what only Redis has — several instances on their own connections,
 * a true compare-and-set, hash tags, and no key left behind.
 */
const redis = withTestRedis()
const prefix = redis.prefix
const source = (context: RedisContext) => async () => context

/** One app instance's connections, under `keyPrefix`. */
const connection = (keyPrefix = prefix()) => redis.context({ prefix: keyPrefix })

const user = (id: string, text: string): UIMessage => ({ id, role: 'user', parts: [{ type: 'text', text }] })

chatStoreContract('Redis', async () => {
  const context = await connection()
  return { store: new RedisChatStore(source(context)), close: async () => context.destroy() }
})

/** Two stores with the same prefix, each on its own connection: two app instances. */
async function twoInstances() {
  const shared = prefix()
  const [first, second] = await Promise.all([connection(shared), connection(shared)])
  return {
    a: new RedisChatStore(source(first)),
    b: new RedisChatStore(source(second)),
    prefix: shared,
    client: first.commands,
    [Symbol.asyncDispose]: async () => {
      first.destroy()
      second.destroy()
    },
  }
}

/** The Redis Cluster slot of a key: CRC16 (XMODEM) of its hash tag, or of the whole key, mod 16384. */
function slotOf(key: string): number {
  const open = key.indexOf('{')
  const close = open < 0 ? -1 : key.indexOf('}', open + 1)
  const tagged = close > open + 1 ? key.slice(open + 1, close) : key
  let crc = 0
  for (const byte of Buffer.from(tagged)) {
    crc ^= byte << 8
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
  }
  return crc % 16384
}

async function keysUnder(client: RedisCommands, pattern: string): Promise<string[]> {
  const found: string[] = []
  for await (const batch of client.scanIterator({ MATCH: pattern, COUNT: 1000 })) found.push(...batch)
  return found.sort()
}

describe('RedisChatStore across instances', () => {
  it('computes hash slots as Redis Cluster does', () => {
    // Known values: CRC16/XMODEM('123456789') = 0x31C3; Redis documents KEYSLOT foo = 12182.
    expect(slotOf('123456789')).toBe(0x31c3 % 16384)
    expect(slotOf('foo')).toBe(12182)
    expect(slotOf('{user1000}.following')).toBe(slotOf('{user1000}.followers'))
  })

  it('sees the writes of another instance', async () => {
    await using pair = await twoInstances()
    await pair.a.save('c1', { messages: [user('u1', 'written by a')], moderation: true })
    expect(await pair.b.get('c1')).toMatchObject({ title: 'written by a', moderation: true, messageCount: 1 })
    expect(await pair.b.setActiveStream('c1', 's1')).toBe(true)
    expect((await pair.a.get('c1'))!.activeStreamId).toBe('s1')
    expect((await pair.a.list()).chats.map((c) => c.id)).toEqual(['c1'])
    expect((await pair.b.search('WRITTEN')).map((h) => h.messageId)).toEqual(['u1'])
    expect(await pair.b.delete('c1')).toBe(true)
    expect(await pair.a.get('c1')).toBeUndefined()
  })

  it('lets exactly one of many concurrent compare-and-sets from two connections win', async () => {
    await using pair = await twoInstances()
    await pair.a.save('c1', { messages: [user('u1', 'race')] })
    await pair.a.setActiveStream('c1', 'old')
    const attempts = Array.from({ length: 20 }, (_, i) =>
      (i % 2 === 0 ? pair.a : pair.b).setActiveStream('c1', `new-${i}`, { expected: 'old' }),
    )
    const results = await Promise.all(attempts)
    expect(results.filter(Boolean)).toHaveLength(1)
    const winner = results.indexOf(true)
    expect((await pair.b.get('c1'))!.activeStreamId).toBe(`new-${winner}`)
  })

  it('leaves no key behind after a delete, index entry included', async () => {
    await using pair = await twoInstances()
    await pair.a.save('gone', { messages: [user('u1', 'one'), user('u2', 'two')] })
    await pair.a.save('kept', { messages: [user('u1', 'stays')] })
    await pair.a.setActiveStream('gone', 's1')
    expect(await keysUnder(pair.client, `${pair.prefix}chat:{gone}:*`)).toHaveLength(3)
    expect(await pair.b.delete('gone')).toBe(true)
    expect(await keysUnder(pair.client, `${pair.prefix}chat:{gone}:*`)).toEqual([])
    expect(await pair.client.zRange(`${pair.prefix}chats:by-updated`, 0, -1)).toEqual(['kept'])
    expect(await pair.a.list()).toMatchObject({ total: 1, chats: [{ id: 'kept' }] })
  })

  it('keeps every key of one chat in one hash slot', async () => {
    await using pair = await twoInstances()
    await pair.a.save('slot-test', { messages: [user('u1', 'hello')] })
    await pair.a.setActiveStream('slot-test', 's1')
    const keys = await keysUnder(pair.client, `${pair.prefix}chat:*`)
    expect(keys).toHaveLength(3)
    expect(new Set(keys.map(slotOf))).toEqual(new Set([slotOf('slot-test')]))
    expect(slotOf(`${pair.prefix}chats:by-updated`)).not.toBe(slotOf('slot-test'))
    expect(new ChatKeys(pair.prefix).chat('a{b}').meta).toBe(`${pair.prefix}chat:{a%7Bb%7D}:meta`)
  })

  it('skips (and drops) an index entry whose chat is gone', async () => {
    await using pair = await twoInstances()
    await pair.a.save('real', { messages: [user('u1', 'real chat')] })
    await pair.client.zAdd(`${pair.prefix}chats:by-updated`, { score: -1, value: 'ghost' })
    expect(await pair.a.list()).toMatchObject({ total: 1, chats: [{ id: 'real' }] })
    // The clean-up was sent on the store's connection before the listing returned, so it ran first.
    expect(await pair.client.zRange(`${pair.prefix}chats:by-updated`, 0, -1)).toEqual(['real'])
  })

  it('searches only the most recently updated chats, and stops at the limit', async () => {
    await using pair = await twoInstances()
    const index = `${pair.prefix}chats:by-updated`
    // An old chat beyond the bound: only the index is faked, the chat itself is real.
    await pair.a.save('oldest', { messages: [user('u1', 'needle')] })
    const filler = Array.from({ length: SEARCH_MAX_CHATS }, (_, i) => ({ score: -2 - i, value: `f${i}` }))
    await pair.client.zAdd(index, filler)
    await pair.client.zAdd(index, { score: 0, value: 'oldest' })
    await Promise.all(
      filler.map((f) => pair.client.hSet(`${pair.prefix}chat:{${f.value}}:meta`, { title: 't', updatedAt: String(-f.score) })),
    )
    expect(await pair.a.search('needle')).toEqual([])
    await pair.a.save('oldest', { messages: [user('u1', 'needle')] })
    expect((await pair.a.search('needle')).map((h) => h.chatId)).toEqual(['oldest'])
  })

  it('stops searching when the signal is aborted while it runs', async () => {
    await using pair = await twoInstances()
    await pair.a.save('c1', { messages: [user('u1', 'findme')] })
    const abort = new AbortController()
    const search = pair.a.search('nothing-matches', { signal: abort.signal })
    abort.abort()
    await expect(search).rejects.toThrow()
  })

  it('answers 503 unavailable:store when the connection is lost', async () => {
    const context = await connection()
    const store = new RedisChatStore(source(context))
    await store.save('c1', { messages: [user('u1', 'hi')] })
    context.destroy()
    const failure = await store.get('c1').catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(AppError)
    expect((failure as AppError).code).toBe('unavailable:store')
  })
})
