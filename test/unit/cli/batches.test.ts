import { randomBytes } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { deferred } from '@/lib/async'
import { ByteReader, batches } from '@/cli/batches.mjs'

/** `sluice streams write`'s batching (cli/batches.mjs), without a server. */

/** `input` cut at random points, yielded as fast as they are asked for. */
async function* randomPieces(input: Buffer) {
  for (let at = 0; at < input.length;) {
    const size = 1 + Math.floor(Math.random() * 3000)
    yield input.subarray(at, at + size)
    at += size
  }
}

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = []
  for await (const batch of source) out.push(Buffer.from(batch))
  return out
}

describe('batches()', () => {
  test('bytes: every byte once and in order, no batch over maxBytes, whatever the pieces', async () => {
    for (let round = 0; round < 20; round++) {
      const input = randomBytes(50_000 + Math.floor(Math.random() * 50_000))
      const out = await collect(batches(randomPieces(input), { maxBytes: 4096 }))
      expect(Buffer.concat(out).equals(input)).toBe(true)
      expect(Math.max(...out.map((b) => b.length))).toBeLessThanOrEqual(4096)
      expect(out.slice(0, -1).every((b) => b.length === 4096)).toBe(true) // a fast source fills them
    }
  })

  test('lines: batches end at a newline; CRLF and multibyte text stay whole; a line longer than maxBytes goes alone', async () => {
    const long = `${'é'.repeat(3000)}\r\n`
    const text = Array.from({ length: 400 }, (_, i) => (i === 200 ? long : `{"n":${i},"s":"ü€𝄞"}\r\n`)).join('') + '{"last":true}'
    const out = await collect(batches(randomPieces(Buffer.from(text)), { maxBytes: 1024, lines: true }))
    expect(Buffer.concat(out).toString('utf8')).toBe(text)
    for (const batch of out.slice(0, -1)) expect(batch.at(-1)).toBe(10)
    expect(out.filter((b) => b.length > 1024).map((b) => b.toString('utf8'))).toEqual([long])
    expect(out.at(-1)!.toString('utf8').endsWith('{"last":true}')).toBe(true)
  })

  test('a batch goes lingerMs after its first byte while the source is still open', async () => {
    const more = deferred<void>()
    let sourceWaiting = false
    async function* source() {
      yield 'first line\n'
      sourceWaiting = true
      await more.promise // like tail -f between two lines
      yield 'second line\n'
    }
    const started = Date.now()
    const it = batches(source(), { lingerMs: 30 })
    const first = await it.next()
    expect(first.value?.toString()).toBe('first line\n')
    expect(sourceWaiting).toBe(true)
    expect(Date.now() - started).toBeGreaterThanOrEqual(25)
    more.resolve()
    expect((await it.next()).value?.toString()).toBe('second line\n')
    expect((await it.next()).done).toBe(true)
  })

  test('backpressure: nothing more is read while the consumer holds a batch; stopping stops the source', async () => {
    let pulled = 0
    let stopped = false
    async function* endless() {
      try {
        for (;;) {
          pulled++
          yield Buffer.alloc(1024, 120)
        }
      } finally {
        stopped = true
      }
    }
    const it = batches(endless(), { maxBytes: 4096 })
    expect((await it.next()).value?.length).toBe(4096)
    const before = pulled
    expect(before).toBeLessThanOrEqual(5)
    await new Promise((r) => setTimeout(r, 100)) // a slow append: the source must not be drained meanwhile
    expect(pulled).toBe(before)
    expect((await it.next()).value?.length).toBe(4096)
    await it.return(undefined)
    expect(stopped).toBe(true)
  })
})

test('ByteReader: exact reads and skips across pieces, then the rest as it was', async () => {
  const input = randomBytes(20_000)
  const reader = new ByteReader(randomPieces(input))
  expect(await reader.skip(7_777)).toBe(7_777)
  expect((await reader.read(1_234)).equals(input.subarray(7_777, 9_011))).toBe(true)
  const rest: Buffer[] = []
  for await (const piece of reader.rest()) rest.push(Buffer.from(piece))
  expect(Buffer.concat(rest).equals(input.subarray(9_011))).toBe(true)
  expect(await new ByteReader(randomPieces(input)).skip(30_000)).toBe(20_000)
})
