import { describe, expect, it } from 'vitest'
import { deferred, sleep } from '@/lib/async'
import { iterableToStream, takePump } from '@/lib/stream/iterable'

const decode = (chunks: Uint8Array[]) => new TextDecoder().decode(Buffer.concat(chunks))

/** An endless source of `'x'` that counts what it has produced. */
function endless(): { produced: number; source: Iterable<string> } {
  const counted = { produced: 0, source: [] as Iterable<string> }
  counted.source = (function* () {
    for (;;) {
      counted.produced++
      yield 'x'
    }
  })()
  return counted
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  for await (const chunk of stream) out.push(chunk)
  return out
}

describe('iterableToStream', () => {
  it('encodes strings as UTF-8 and passes bytes through, skipping empty chunks', async () => {
    const stream = iterableToStream(['héllo', '', ' 🌊', new Uint8Array([0x21])])
    const chunks = await readAll(stream)
    expect(chunks).toHaveLength(3)
    expect(decode(chunks)).toBe('héllo 🌊!')
  })

  it('pulls the source only as the reader reads (no further ahead than the high-water mark)', async () => {
    let produced = 0
    async function* source() {
      for (let i = 0; i < 100; i++) {
        produced++
        yield `${i},`
      }
    }
    const stream = iterableToStream(source(), { highWaterMark: 2 })
    await sleep(20)
    expect(produced).toBe(2) // filled the queue up to the mark, then stopped
    const reader = stream.getReader()
    await reader.read()
    await sleep(20)
    expect(produced).toBe(3) // one read, one more pulled to refill
    await reader.cancel()
  })

  it('with a high-water mark of 0 produces nothing until the first read', async () => {
    const counted = endless()
    const stream = iterableToStream(counted.source, { highWaterMark: 0 })
    await sleep(10)
    expect(counted.produced).toBe(0)
    const reader = stream.getReader()
    await reader.read()
    expect(counted.produced).toBe(1)
    await reader.cancel()
  })

  it('cancel runs the generator finally and aborts the signal given to a factory source', async () => {
    const cleaned = deferred<string>()
    let seenSignal: AbortSignal | undefined
    const stream = iterableToStream(async function* (signal) {
      seenSignal = signal
      try {
        for (;;) {
          yield 'tick'
          await sleep(60_000, signal) // would hang the test if the abort did not reach it
        }
      } finally {
        cleaned.resolve('finally ran')
      }
    })
    const reader = stream.getReader()
    await reader.read()
    const pending = reader.read() // the generator is now waiting in sleep()
    await reader.cancel('client left')
    await expect(cleaned.promise).resolves.toBe('finally ran')
    expect(seenSignal?.aborted).toBe(true)
    await expect(pending).resolves.toEqual({ done: true, value: undefined })
  })

  it('an aborted external signal errors the stream and runs the source clean-up', async () => {
    const controller = new AbortController()
    const cleaned = deferred()
    let ended: string | undefined
    const stream = iterableToStream(
      async function* (signal) {
        try {
          for (;;) {
            yield 'x'
            await sleep(60_000, signal)
          }
        } finally {
          cleaned.resolve()
        }
      },
      { signal: controller.signal, onEnd: (o) => (ended = o) },
    )
    const reader = stream.getReader()
    await reader.read()
    const next = reader.read()
    controller.abort(new Error('request aborted'))
    await expect(next).rejects.toThrow('request aborted')
    await cleaned.promise
    expect(ended).toBe('cancelled')
  })

  it('an error in the source errors the stream', async () => {
    let ended: string | undefined
    const stream = iterableToStream(
      (async function* () {
        yield 'ok'
        throw new Error('source broke')
      })(),
      { onEnd: (o) => (ended = o) },
    )
    const reader = stream.getReader()
    expect(decode([(await reader.read()).value!])).toBe('ok')
    await expect(reader.read()).rejects.toThrow('source broke')
    expect(ended).toBe('error')
  })

  it('reports a normal end once', async () => {
    const outcomes: string[] = []
    await readAll(iterableToStream(['a', 'b'], { onEnd: (o) => outcomes.push(o) }))
    expect(outcomes).toEqual(['done'])
  })
})

describe("takePump: reading a stream's source without the Web stream (the Pages transport)", () => {
  it('hands over the source of a stream nobody has read, which then gives the same chunks and ends once', async () => {
    const outcomes: string[] = []
    const stream = iterableToStream(['héllo', '', new Uint8Array([0x21])], { highWaterMark: 0, onEnd: (o) => outcomes.push(o) })
    await sleep(10)
    const pump = takePump(stream)!
    expect(pump).toBeDefined()
    const chunks: Uint8Array[] = []
    for (let bytes = await pump.next(); bytes; bytes = await pump.next()) chunks.push(bytes)
    expect(decode(chunks)).toBe('héllo!')
    expect(outcomes).toEqual(['done'])
    expect(takePump(stream)).toBeUndefined() // one reader only
  })

  it('refuses a stream that has been read, locked or has pulled ahead, so no chunk is read twice or lost', async () => {
    const ahead = iterableToStream(['a', 'b']) // high-water mark 1: pulls one chunk at once
    await sleep(10)
    expect(takePump(ahead)).toBeUndefined()
    const locked = iterableToStream(['a'], { highWaterMark: 0 })
    locked.getReader()
    expect(takePump(locked)).toBeUndefined()
    expect(takePump(new ReadableStream<Uint8Array>())).toBeUndefined()
  })

  it('a stream whose pump was taken never reads the source itself', async () => {
    const counted = endless()
    const stream = iterableToStream(counted.source, { highWaterMark: 0 })
    const pump = takePump(stream)!
    await pump.next()
    const reader = stream.getReader()
    void reader.read() // stays pending: the stream's own pull does nothing once the pump is taken
    await sleep(10)
    expect(counted.produced).toBe(1)
    await pump.stop()
  })

  it('stopping the pump aborts a factory source, runs its finally and ends it as cancelled', async () => {
    const cleaned = deferred<string>()
    let ended: string | undefined
    let seenSignal: AbortSignal | undefined
    const stream = iterableToStream(
      async function* (signal) {
        seenSignal = signal
        try {
          for (;;) {
            yield 'tick'
            await sleep(60_000, signal)
          }
        } finally {
          cleaned.resolve('finally ran')
        }
      },
      { highWaterMark: 0, onEnd: (o) => (ended = o) },
    )
    const pump = takePump(stream)!
    expect(decode([(await pump.next())!])).toBe('tick')
    const pending = pump.next() // the source now waits in sleep()
    await pump.stop(new Error('client left'))
    await expect(cleaned.promise).resolves.toBe('finally ran')
    expect(seenSignal?.aborted).toBe(true)
    await expect(pending).resolves.toBeUndefined()
    expect(ended).toBe('cancelled')
  })

  it('the external signal stops a taken pump too', async () => {
    const controller = new AbortController()
    const cleaned = deferred()
    const stream = iterableToStream(
      async function* (signal) {
        try {
          yield 'x'
          await sleep(60_000, signal)
        } finally {
          cleaned.resolve()
        }
      },
      { highWaterMark: 0, signal: controller.signal },
    )
    const pump = takePump(stream)!
    await pump.next()
    const pending = pump.next()
    controller.abort(new Error('request aborted'))
    await cleaned.promise
    await expect(pending).resolves.toBeUndefined()
    expect(pump.outcome).toBe('cancelled')
  })

  it("an error in the source rejects the pump's next chunk and ends it as error", async () => {
    const stream = iterableToStream(
      (async function* () {
        yield 'ok'
        throw new Error('source broke')
      })(),
      { highWaterMark: 0 },
    )
    const pump = takePump(stream)!
    await pump.next()
    await expect(pump.next()).rejects.toThrow('source broke')
    expect(pump.outcome).toBe('error')
  })
})
