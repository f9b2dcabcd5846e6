import { describe, expect, it } from 'vitest'
import { deferred } from '@/lib/async'
import { chunksOf, ReadAhead } from '@/lib/uploads/read-ahead'

/** A source that records each pull and hands out `count` chunks of `size` bytes. */
function counted(count: number, size: number) {
  const pulls: number[] = []
  async function* source() {
    for (let i = 0; i < count; i++) {
      pulls.push(i)
      yield new Uint8Array(size).fill(i)
    }
  }
  return { pulls, source: source() }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('ReadAhead', () => {
  it('reads while the writer still holds the previous chunks, and stops at the limit', async () => {
    const { pulls, source } = counted(10, 100)
    const ahead = new ReadAhead(source, 300)
    const first = await ahead.take()
    expect(first.length).toBeGreaterThan(0)
    // The writer has not come back yet (it is "writing" `first`): the reader went on, up to 300 bytes.
    for (let i = 0; i < 5; i++) await tick()
    expect(pulls.length).toBe(first.length + 3)
    const second = await ahead.take()
    expect(second).toHaveLength(3)
    for (let i = 0; i < 5; i++) await tick()
    expect(pulls.length).toBe(first.length + 6)
    const rest: Uint8Array[] = []
    for (let chunks = await ahead.take(); chunks.length > 0; chunks = await ahead.take()) rest.push(...chunks)
    expect([...first, ...second, ...rest].map((chunk) => chunk[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('rejects the next take when the body fails, after the chunks read before it', async () => {
    async function* source() {
      yield new Uint8Array([1])
      throw new Error('connection reset')
    }
    const ahead = new ReadAhead(source(), 1024)
    await tick()
    expect(await ahead.take()).toEqual([new Uint8Array([1])])
    await expect(ahead.take()).rejects.toThrow('connection reset')
  })

  it('stop() cancels a Web stream even while a read is pending', async () => {
    const cancelled = deferred<unknown>()
    const stream = new ReadableStream<Uint8Array>(
      { pull: () => new Promise(() => {}), cancel: (reason) => cancelled.resolve(reason) },
      { highWaterMark: 0 },
    )
    const ahead = new ReadAhead(chunksOf(stream), 1024)
    const taking = ahead.take()
    await tick()
    ahead.stop('gone')
    expect(await cancelled.promise).toBe('gone')
    expect(await taking).toEqual([])
  })
})
