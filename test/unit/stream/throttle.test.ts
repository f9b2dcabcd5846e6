import { describe, expect, it } from 'vitest'
import { slowMotionRate, throttled } from '@/lib/stream/throttle'

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill)

async function collect(source: AsyncIterable<Uint8Array>) {
  const pieces: Uint8Array[] = []
  const times: number[] = []
  const start = performance.now()
  for await (const piece of source) {
    pieces.push(piece)
    times.push(performance.now() - start)
  }
  return { pieces, times }
}

describe('throttled (slow motion)', () => {
  it('yields the same bytes in order, cut into tenth-of-a-second slices', async () => {
    const { pieces } = await collect(throttled([bytes(2500, 1), bytes(10, 2)], 10_000))
    expect(pieces.map((p) => p.byteLength)).toEqual([1000, 1000, 500, 10])
    expect(Buffer.concat(pieces)).toEqual(Buffer.concat([bytes(2500, 1), bytes(10, 2)]))
  })

  it('spreads them over time at the rate: the first at once, the last after (bytes before it) / rate', async () => {
    const { times } = await collect(throttled([bytes(4096)], 10_240)) // slices of 1024 B, 100 ms apart
    expect(times).toHaveLength(4)
    expect(times[0]).toBeLessThan(250)
    expect(times[3]).toBeGreaterThanOrEqual(290) // 3 slices × 100 ms before the 4th (timers may fire 1 ms early)
  })

  it('stops waiting as soon as the signal aborts', async () => {
    const abort = new AbortController()
    const run = collect(throttled([bytes(100_000)], 1024, abort.signal))
    setTimeout(() => abort.abort(new Error('cancelled')), 50)
    await expect(run).rejects.toThrow('cancelled')
  })

  it('reads the source only as it yields (backpressure reaches the source)', async () => {
    let pulled = 0
    async function* source() {
      for (let i = 0; i < 10; i++) {
        pulled++
        yield bytes(1024)
      }
    }
    const iterator = throttled(source(), 1024 ** 2)[Symbol.asyncIterator]()
    await iterator.next()
    await iterator.next()
    expect(pulled).toBe(2)
    await iterator.return?.(undefined)
  })

  it('takes ?rate= between 1 KiB/s and 1 GiB/s, or none', () => {
    expect(slowMotionRate.parse(undefined)).toBeUndefined()
    expect(slowMotionRate.parse('65536')).toBe(65536)
    expect(slowMotionRate.safeParse('10').success).toBe(false)
    expect(slowMotionRate.safeParse(String(2 * 1024 ** 3)).success).toBe(false)
  })
})
