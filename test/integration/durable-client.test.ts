import { DurableStream, IdempotentProducer, stream } from '@durable-streams/client'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { deferred } from '@/lib/async'
import { startServer, type TestServer } from '../support/server'

/**
 * Interoperability with the official client, @durable-streams/client: it creates, appends,
 * catches up, tails live over SSE and long-poll, and resumes from a saved offset — against the
 * production build of Sluice.
 */
let server: TestServer
let unique = 0
const url = (label: string) => `${server.baseUrl}/v1/stream/interop/${label}-${Date.now()}-${++unique}`

beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  await server?.stop()
})

describe('official client against Sluice', () => {
  test('creates, appends and reads back (catch-up); HEAD agrees on the tail', async () => {
    const handle = await DurableStream.create({ url: url('catch-up'), contentType: 'text/plain' })
    for (const part of ['alpha ', 'beta ', 'gamma']) await handle.append(part)
    const res = await handle.stream({ live: false })
    expect(await res.text()).toBe('alpha beta gamma')
    expect(res.upToDate).toBe(true)
    const head = await handle.head()
    expect(head.exists && head.offset).toBe(res.offset)
  })

  test('tails a JSON stream live over SSE until it is closed', async () => {
    const handle = await DurableStream.create({ url: url('sse'), contentType: 'application/json' })
    await handle.append(JSON.stringify({ n: 0 }))
    const res = await handle.stream<{ n: number }>({ live: 'sse' })
    const items: number[] = []
    const caughtUp = deferred()
    res.subscribeJson((batch) => {
      items.push(...batch.items.map((item) => item.n))
      if (items.length >= 1) caughtUp.resolve()
    })
    await caughtUp.promise
    // The reader is connected and caught up: what follows can only arrive live.
    for (let n = 1; n <= 3; n++) await handle.append(JSON.stringify({ n }))
    await handle.close()
    await res.closed
    expect(items).toEqual([0, 1, 2, 3])
    expect(res.streamClosed).toBe(true)
  })

  test('tails a text stream live over long-poll until it is closed', async () => {
    const handle = await DurableStream.create({ url: url('long-poll'), contentType: 'text/plain' })
    await handle.append('first;')
    const res = await handle.stream({ live: 'long-poll' })
    let received = ''
    let appendedLive = false
    for await (const chunk of res.textStream()) {
      received += chunk
      if (!appendedLive && received === 'first;') {
        appendedLive = true
        await handle.append('second;')
        await handle.append('third;')
        await handle.close()
      }
    }
    expect(received).toBe('first;second;third;')
  })

  test('resumes from a saved offset without gaps or duplicates, also live', async () => {
    const handle = await DurableStream.create({ url: url('resume'), contentType: 'text/plain' })
    await handle.append('one,')
    await handle.append('two,')
    const first = await handle.stream({ live: false })
    expect(await first.text()).toBe('one,two,')
    const saved = first.offset

    await handle.append('three,')
    const again = await handle.stream({ offset: saved, live: false })
    expect(await again.text()).toBe('three,')

    const live = await handle.stream({ offset: saved, live: 'sse' })
    const chunks: string[] = []
    const done = (async () => {
      for await (const chunk of live.textStream()) chunks.push(chunk)
    })()
    await handle.close({ body: 'four,' })
    await done
    expect(chunks.join('')).toBe('three,four,')
  })

  test('binary streams round-trip over SSE (base64 on the wire)', async () => {
    const handle = await DurableStream.create({ url: url('binary'), contentType: 'application/octet-stream' })
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256)
    await handle.append(bytes)
    await handle.close()
    const res = await stream({ url: handle.url, live: 'sse' })
    expect(Array.from(await res.body())).toEqual(Array.from(bytes))
  })

  test('IdempotentProducer batches and pipelines: every item exactly once, in order', async () => {
    const handle = await DurableStream.create({ url: url('producer'), contentType: 'application/json' })
    const errors: unknown[] = []
    const producer = new IdempotentProducer(handle, 'interop-producer', { lingerMs: 2, onError: (e) => errors.push(e) })
    for (let i = 0; i < 200; i++) producer.append(JSON.stringify({ i }))
    await producer.flush()
    await producer.close()
    expect(errors).toEqual([])
    const items = await (await handle.stream<{ i: number }>({ live: false })).json()
    expect(items.map((item) => item.i)).toEqual(Array.from({ length: 200 }, (_, i) => i))
  })
})
