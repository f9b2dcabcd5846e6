import { expect, test } from 'vitest'
import { RecentBytes } from '@/lib/durable/embedded/recent'

const join = (parts: Uint8Array[]) => Buffer.concat(parts)

test('serves exactly the bytes last committed, or nothing; never stale or partial', () => {
  const recent = new RecentBytes()
  // The expected bytes: the stream's length, and its last 256 KiB (all any check looks back).
  let total = 0
  let tail = Buffer.alloc(0)
  for (let i = 0; i < 400; i++) {
    const size = [1, 100, 5_000, 70_000][i % 4]!
    const data = Buffer.alloc(size, i % 251)
    recent.add('s', total, data)
    data.fill(0) // the caller reusing its buffer must not change what was cached
    total += size
    tail = Buffer.concat([tail, Buffer.alloc(size, i % 251)])
    if (tail.byteLength > 256 * 1024) tail = tail.subarray(tail.byteLength - 256 * 1024)
    for (const back of [0, 1, 99, 4_000, 64 * 1024, 200_000]) {
      const from = Math.max(0, total - back)
      const slice = recent.slice('s', from, total)
      if (slice) expect(join(slice).equals(tail.subarray(tail.byteLength - (total - from)))).toBe(true)
      else expect(back).toBeGreaterThan(64 * 1024 - 1) // what was just written is always there
    }
  }
})

test('a gap or another stream starts over; forget drops a stream', () => {
  const recent = new RecentBytes()
  recent.add('a', 0, Buffer.from('hello'))
  recent.add('a', 10, Buffer.from('world')) // not contiguous: only the new bytes are known
  expect(recent.slice('a', 0, 5)).toBeUndefined()
  expect(join(recent.slice('a', 10, 15)!).toString()).toBe('world')
  expect(recent.slice('b', 10, 15)).toBeUndefined()
  recent.forget('a')
  expect(recent.slice('a', 10, 15)).toBeUndefined()
})
