import { describe, expect, test, vi } from 'vitest'
import { followStream } from '@/lib/durable/follow'
import type { StreamMeta } from '@/lib/durable/store'
import { parkedReaders, SHARED_READ_LIMIT, type TailAppend } from '@/lib/durable/tail'
import { tempStore } from './temp-store'

// Readers at the tail of one stream park at its one shared follower: an append is waited for,
// looked up and read once, and handed to each of them in a synchronous call.

const store = tempStore('tail')

const bytes = (text: string) => new TextEncoder().encode(text)
const decode = (chunk: Uint8Array) => new TextDecoder().decode(chunk)

async function opened(p: string): Promise<StreamMeta> {
  await store().create(p, { contentType: 'text/plain', expiry: { kind: 'none' } })
  const found = await store().lookup(p)
  if (found.state !== 'live') throw new Error(found.state)
  return found.meta
}

/**
 * A follower from `from`: what it gets, through the shared tail or its own loop, in order.
 * `refuse` decides which appends it turns down at the tail (they must then come through its loop).
 */
function follower(meta: StreamMeta, from: number, refuse: (append: TailAppend) => boolean = () => false) {
  const abort = new AbortController()
  const got: string[] = []
  const viaTail: string[] = []
  const done = (async () => {
    const items = followStream(store(), meta, from, {
      signal: abort.signal,
      waitMs: () => 60_000,
      atTail: (append) => {
        if (refuse(append)) return false
        got.push(decode(append.bytes))
        viaTail.push(decode(append.bytes))
        return true
      },
    })
    for await (const item of items) if (item.kind === 'data') got.push(decode(item.bytes))
  })()
  return { abort, got, viaTail, done }
}

const parked = (meta: StreamMeta, n: number) => vi.waitFor(() => expect(parkedReaders(store(), meta)).toBe(n))

describe('the shared tail of a stream', () => {
  test('followers at the tail share one wait, one lookup and one read per append, and each gets every append once', async () => {
    await opened('tail/shared')
    await store().append('tail/shared', { data: bytes('before,') })
    const found = await store().lookup('tail/shared')
    if (found.state !== 'live') throw new Error(found.state)
    const meta = found.meta // at the tail: the followers read 'before,' themselves, then park
    const followers = Array.from({ length: 20 }, () => follower(meta, 0))
    await parked(meta, 20)
    const reads = vi.spyOn(store(), 'read')
    const waits = vi.spyOn(store(), 'waitForChange')
    try {
      for (const part of ['one,', 'two,', 'three,']) {
        await store().append(meta.path, { data: bytes(part) })
        await vi.waitFor(() => expect(followers.every((f) => f.got.at(-1) === part)).toBe(true))
      }
      expect(reads).toHaveBeenCalledTimes(3) // one per append, not one per follower
      expect(waits.mock.calls.length).toBeLessThanOrEqual(3)
    } finally {
      reads.mockRestore()
      waits.mockRestore()
    }
    for (const f of followers) {
      expect(f.got).toEqual(['before,', 'one,', 'two,', 'three,'])
      expect(f.viaTail).toEqual(['one,', 'two,', 'three,'])
      f.abort.abort()
    }
    await Promise.all(followers.map((f) => f.done))
    expect(parkedReaders(store(), meta)).toBe(0) // the last one to leave stops the tail
  })

  test('a follower that cannot take an append gets it through its own loop, in order, while the others stay parked', async () => {
    const meta = await opened('tail/refuse')
    const slow = follower(meta, 0, (append) => decode(append.bytes) === 'two,')
    const others = [follower(meta, 0), follower(meta, 0)]
    await parked(meta, 3)
    for (const part of ['one,', 'two,', 'three,', 'four,']) {
      await store().append(meta.path, { data: bytes(part) })
      await vi.waitFor(() => expect([slow, ...others].every((f) => f.got.at(-1) === part)).toBe(true))
    }
    expect(slow.got).toEqual(['one,', 'two,', 'three,', 'four,'])
    expect(slow.viaTail).toEqual(['one,', 'three,', 'four,']) // parked again after reading 'two,' itself
    for (const f of others) expect(f.viaTail).toEqual(['one,', 'two,', 'three,', 'four,'])
    for (const f of [slow, ...others]) f.abort.abort()
    await Promise.all([slow, ...others].map((f) => f.done))
  })

  test('closing the stream unparks every follower, which reads the last bytes and ends', async () => {
    const meta = await opened('tail/close')
    const followers = [follower(meta, 0), follower(meta, 0)]
    await parked(meta, 2)
    await store().append(meta.path, { data: bytes('last'), close: true })
    await Promise.all(followers.map((f) => f.done))
    for (const f of followers) expect(f.got).toEqual(['last'])
    expect(parkedReaders(store(), meta)).toBe(0)
  })

  test('deleting the stream ends every parked follower', async () => {
    const meta = await opened('tail/delete')
    const followers = [follower(meta, 0), follower(meta, 0)]
    await parked(meta, 2)
    await store().delete(meta.path)
    await Promise.all(followers.map((f) => f.done))
    expect(parkedReaders(store(), meta)).toBe(0)
  })

  test('a burst larger than the shared read unparks the followers, which read it themselves, each byte once', async () => {
    const meta = await opened('tail/burst')
    const followers = [follower(meta, 0), follower(meta, 0)]
    await parked(meta, 2)
    const big = 'x'.repeat(SHARED_READ_LIMIT + 1)
    await store().append(meta.path, { data: bytes(big) })
    await vi.waitFor(() => expect(followers.every((f) => f.got.join('').length === big.length)).toBe(true))
    for (const f of followers) expect(f.viaTail).toEqual([])
    await parked(meta, 2) // back at the (new) tail
    await store().append(meta.path, { data: bytes('small') })
    await vi.waitFor(() => expect(followers.every((f) => f.got.at(-1) === 'small')).toBe(true))
    for (const f of followers) {
      expect(f.got.join('')).toBe(`${big}small`)
      f.abort.abort()
    }
    await Promise.all(followers.map((f) => f.done))
  })

  test('a follower behind the tail reads by itself until it catches up, then parks', async () => {
    const meta = await opened('tail/behind')
    const first = follower(meta, 0)
    await parked(meta, 1)
    await store().append(meta.path, { data: bytes('a,') })
    await vi.waitFor(() => expect(first.got).toEqual(['a,']))
    const late = follower(meta, 0) // starts at 0 while the tail is at 2
    await parked(meta, 2)
    expect(late.got).toEqual(['a,'])
    await store().append(meta.path, { data: bytes('b,') })
    await vi.waitFor(() => expect(late.got).toEqual(['a,', 'b,']))
    expect(late.viaTail).toEqual(['b,'])
    for (const f of [first, late]) f.abort.abort()
    await Promise.all([first, late].map((f) => f.done))
    expect(parkedReaders(store(), meta)).toBe(0)
  })
})
