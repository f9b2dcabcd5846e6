import { DurableStream } from '@durable-streams/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sleep } from '@/lib/async'
import type { importJob } from '@/lib/jobs/import-stream'
import { readSse, type SseEvent } from '@/lib/stream/client'
import { openStream } from '@/lib/typed/client'
import type { UploadProgress } from '@/lib/uploads/progress'
import { askChat, type Chunk } from '@/test/support/chat'
import { startServer, type TestServer } from '@/test/support/server'
import { openPut, randomFile, writeChunks } from '@/test/support/uploads'

/**
 * Long-lived responses end at their lifetime (here 1.5 s instead of 270 s) with an explicit,
 * resumable end, and a client that resumes from it gets every event exactly once while the
 * producer keeps producing across several rollovers — for each kind of long-lived stream.
 */

const LIFETIME_MS = 1_500
let server: TestServer
const abort = new AbortController()

beforeAll(async () => {
  server = await startServer({
    env: { SLUICE_STREAM_LIFETIME_MS: String(LIFETIME_MS), SLUICE_FEED_INTERVAL_MS: '100', SLUICE_OFFLINE_TOKEN_MS: '40' },
  })
})

afterAll(async () => {
  abort.abort()
  await server?.stop()
})

const url = (p: string) => `${server.baseUrl}${p}`

/** Every event of one response, with when it arrived. */
async function readAll(response: Response): Promise<(SseEvent & { at: number })[]> {
  const events: (SseEvent & { at: number })[] = []
  for await (const event of readSse(response, { signal: abort.signal })) events.push({ ...event, at: Date.now() })
  return events
}

/** `ids` are consecutive integers: no gap, no duplicate. */
function expectConsecutive(ids: number[]): void {
  expect(ids.length).toBeGreaterThan(0)
  expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => ids[0]! + i))
}

describe('live feed', () => {
  it('ends each response with `reconnect` carrying the last id; resuming with it gets every sample once', async () => {
    const ids: number[] = []
    let lastEventId: string | undefined
    let rollovers = 0
    while (rollovers < 3) {
      const res = await fetch(url('/api/feed'), {
        headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId },
        signal: abort.signal,
      })
      expect(res.status).toBe(200)
      const events = await readAll(res)
      const metrics = events.filter((e) => e.event === 'metrics')
      const end = events.at(-1)!
      expect(end.event).toBe('reconnect')
      // Streamed: the first sample was in the client's hands before the last one was produced.
      expect(metrics.length).toBeGreaterThan(1)
      expect(metrics[0]!.at).toBeLessThan((JSON.parse(metrics.at(-1)!.data) as { time: number }).time)
      expect(end.id).toBe(metrics.at(-1)!.id)
      expect(JSON.parse(end.data)).toMatchObject({ reason: 'lifetime', lifetimeMs: LIFETIME_MS, lastEventId: end.id })
      ids.push(...metrics.map((e) => Number(e.id)))
      lastEventId = end.id
      rollovers++
      await sleep(300) // the client is away for a moment: the samples of that moment come from the replay buffer
    }
    expectConsecutive(ids)
  })
})

describe('durable streams', () => {
  it('SSE ends right after a control event; resuming from its offset gets every byte once while a producer appends', async () => {
    const stream = url(`/v1/stream/lifetime/sse-${Date.now()}`)
    expect((await fetch(stream, { method: 'PUT', headers: { 'content-type': 'text/plain' } })).status).toBe(201)
    let produced = 0
    const producing = (async () => {
      const until = Date.now() + 3.5 * LIFETIME_MS
      while (Date.now() < until) {
        await fetch(stream, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: `line ${++produced}\n` })
        await sleep(40)
      }
      await fetch(stream, { method: 'POST', headers: { 'stream-closed': 'true' } })
    })()
    let offset = '-1'
    let text = ''
    let connections = 0
    let closed = false
    while (!closed) {
      const res = await fetch(`${stream}?offset=${encodeURIComponent(offset)}&live=sse`, { signal: abort.signal })
      connections++
      const events = await readAll(res)
      // Whatever ended it (the lifetime, or the close), the last event says where to resume.
      expect(events.at(-1)!.event).toBe('control')
      for (const event of events) {
        if (event.event === 'data') text += event.data
        if (event.event === 'control') {
          const control = JSON.parse(event.data) as { streamNextOffset: string; streamClosed?: boolean }
          offset = control.streamNextOffset
          closed ||= control.streamClosed === true
        }
      }
    }
    await producing
    expect(connections).toBeGreaterThanOrEqual(3)
    expect(text).toBe(Array.from({ length: produced }, (_, i) => `line ${i + 1}\n`).join(''))
  })

  it('SSE ends in the middle of a long catch-up too, right after a control event, and the resume goes on from there', async () => {
    const stream = url(`/v1/stream/lifetime/catch-up-${Date.now()}`)
    // 8 MiB of numbered lines. The first connection's reader stops for longer than the lifetime after its
    // first event, so the server — held by backpressure — is still in the catch-up when its lifetime ends,
    // whatever the socket buffers hold (a reader that only reads slowly let them swallow the whole catch-up).
    const lines = Array.from({ length: (8 * 1024 * 1024) / 16 }, (_, i) => `${String(i).padStart(15, '0')}\n`).join('')
    expect((await fetch(stream, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: lines })).status).toBe(201)
    let offset = '-1'
    let text = ''
    let connections = 0
    let upToDate = false
    while (!upToDate) {
      const res = await fetch(`${stream}?offset=${encodeURIComponent(offset)}&live=sse`, { signal: abort.signal })
      connections++
      let last: SseEvent | undefined
      let paused = connections > 1
      for await (const event of readSse(res, { signal: abort.signal })) {
        last = event
        if (event.event === 'data') {
          text += event.data
          if (!paused) await sleep(LIFETIME_MS + 500)
          paused = true
        } else if (event.event === 'control') {
          const control = JSON.parse(event.data) as { streamNextOffset: string; upToDate?: boolean }
          offset = control.streamNextOffset
          if (control.upToDate) {
            upToDate = true
            break
          }
        }
      }
      expect(last?.event).toBe('control')
    }
    expect(connections).toBeGreaterThanOrEqual(2)
    expect(text.length).toBe(lines.length)
    expect(text === lines).toBe(true)
  })

  it('the official client resumes across the server-side ends by itself', async () => {
    const handle = await DurableStream.create({ url: url(`/v1/stream/lifetime/official-${Date.now()}`), contentType: 'application/json' })
    let connections = 0
    const counting: typeof fetch = (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('live=sse')) connections++
      return fetch(input, init)
    }
    const reader = await new DurableStream({ url: handle.url, fetch: counting }).stream<{ n: number }>({ live: 'sse' })
    const items: number[] = []
    reader.subscribeJson((batch) => {
      items.push(...batch.items.map((item) => item.n))
    })
    let n = 0
    const until = Date.now() + 3.5 * LIFETIME_MS
    while (Date.now() < until) {
      await handle.append(JSON.stringify({ n: ++n }))
      await sleep(50)
    }
    await handle.close()
    await reader.closed
    expect(connections).toBeGreaterThanOrEqual(3)
    expect(items).toEqual(Array.from({ length: n }, (_, i) => i + 1))
  })

  it('a long-poll on a quiet stream answers 204 with its offset within the lifetime, not at SLUICE_STREAMS_LONG_POLL_MS', async () => {
    const stream = url(`/v1/stream/lifetime/poll-${Date.now()}`)
    await fetch(stream, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'a' })
    const first = await fetch(`${stream}?offset=-1`)
    const offset = first.headers.get('stream-next-offset')!
    await first.text()
    // SLUICE_STREAMS_LONG_POLL_MS is 25 s and the test's timeout 15 s: only the lifetime ends this poll.
    const poll = await fetch(`${stream}?offset=${offset}&live=long-poll`, { signal: AbortSignal.timeout(10_000) })
    expect(poll.status).toBe(204)
    expect(poll.headers.get('stream-next-offset')).toBe(offset)
    await fetch(stream, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'b' })
    const next = await fetch(`${stream}?offset=${offset}&live=long-poll`)
    expect(await next.text()).toBe('b')
  })
})

describe('typed stream (the import)', () => {
  it('ends a response with `reconnect`; the client resumes the same run and gets every frame once, the import complete', async () => {
    const reconnects: string[] = []
    const stream = openStream<typeof importJob>(
      url('/api/jobs/import'),
      { rows: 2_500, batchSize: 100, delayMs: 150, invalidEvery: 0, source: 'generated' },
      { onReconnect: (id) => reconnects.push(id), signal: abort.signal },
    )
    const ids: number[] = []
    const batches: number[] = []
    let final: { jobId: string; inserted: number } | undefined
    for await (const frame of stream) {
      ids.push(Number(frame.id))
      if (frame.type === 'chunk') batches.push(frame.data.batches)
      if (frame.type === 'complete') final = frame.data
    }
    expect(reconnects.length).toBeGreaterThanOrEqual(2)
    expectConsecutive(ids)
    expect(ids[0]).toBe(0)
    expect(batches).toEqual(Array.from({ length: 25 }, (_, i) => i + 1))
    expect(final?.inserted).toBe(2_500)
    const stored = (await (await fetch(url(`/api/jobs/import/${final!.jobId}`))).json()) as { status: string; inserted: number }
    expect(stored).toMatchObject({ status: 'complete', inserted: 2_500 })
  })

  it('refuses to resume a run from a position the server did not end at', async () => {
    const res = await fetch(url('/api/jobs/import'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rows: 5_000, batchSize: 100, delayMs: 150 }),
    })
    const end = (await readAll(res)).at(-1)!
    expect(end.event).toBe('reconnect')
    const [streamId, frame] = end.id!.split(':') as [string, string]
    const wrong = await fetch(url('/api/jobs/import'), { method: 'POST', headers: { 'last-event-id': `${streamId}:${Number(frame) - 1}` } })
    expect(wrong.status).toBe(409)
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('conflict:stream_position')
    const cancel = await fetch(url(`/api/jobs/import?stream=${streamId}`), { method: 'DELETE' })
    expect(cancel.status).toBe(202)
  })
})

describe('chat answer', () => {
  it('ends the answer and its follows with a data-reconnect part; each follow replays the answer from the start, the last one to its end', async () => {
    const chatId = `lifetime-${Date.now()}`
    const first = await askChat(server.baseUrl, chatId, 'Tell me a long story about streams, in detail')
    expect(first.status).toBe(200)
    const generation = first.headers.get('x-sluice-generation')!
    const parse = (events: SseEvent[]) => events.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data) as Chunk)
    const textOf = (chunks: Chunk[]) => chunks.flatMap((c) => (c.type === 'text-delta' ? [c.delta] : [])).join('')
    let chunks = parse(await readAll(first))
    let previous = textOf(chunks)
    let rollovers = 0
    while (chunks.at(-1)?.type === 'data-reconnect') {
      expect(chunks.at(-1)).toMatchObject({ type: 'data-reconnect', transient: true, data: { reason: 'lifetime', generation } })
      rollovers++
      const follow = await fetch(url(`/api/chat/${chatId}/stream?generation=${encodeURIComponent(generation)}`))
      expect(follow.status).toBe(200)
      chunks = parse(await readAll(follow))
      // A full replay: it starts at the answer's start, and repeats exactly what was shown before it.
      expect(chunks[0]?.type).toBe('start')
      const text = textOf(chunks)
      expect(text.startsWith(previous)).toBe(true)
      previous = text
    }
    expect(rollovers).toBeGreaterThanOrEqual(2)
    expect(chunks.at(-1)?.type).toBe('finish')
    const chat = (await (await fetch(url(`/api/chats/${chatId}`))).json()) as {
      messages: { role: string; parts: { type: string; text?: string }[] }[]
    }
    const stored = chat.messages
      .at(-1)!
      .parts.flatMap((p) => (p.type === 'text' ? [p.text] : []))
      .join('')
    expect(previous).toBe(stored)
  })
})

describe('upload progress', () => {
  it('ends with `reconnect` carrying the last version; resuming with it never repeats a snapshot and reaches `complete`', async () => {
    const file = randomFile(2 * 1024 * 1024)
    const announced = await fetch(url('/api/uploads'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'lifetime.bin', size: file.data.byteLength }),
    })
    const { id } = (await announced.json()) as { id: string }
    const versions: number[] = []
    const snapshots: UploadProgress[] = []
    let rollovers = 0
    const following = (async () => {
      let lastEventId: string | undefined
      for (;;) {
        const res = await fetch(url(`/api/uploads/sessions/${id}/events`), {
          headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId },
          signal: abort.signal,
        })
        const events = await readAll(res)
        for (const event of events.filter((e) => e.event === 'progress')) {
          versions.push(Number(event.id))
          snapshots.push(JSON.parse(event.data) as UploadProgress)
        }
        const end = events.at(-1)!
        if (end.event === 'done') return
        expect(end.event).toBe('reconnect')
        rollovers++
        lastEventId = end.id
      }
    })()
    const { request, response } = openPut(url('/api/uploads/lifetime.bin'), {
      'Content-Length': file.data.byteLength,
      'Upload-Id': id,
      'Upload-Offset': 0,
      Accept: 'application/json',
    })
    // The body arrives over about three lifetimes, in 64 KiB pieces.
    const piece = 64 * 1024
    for (let at = 0; at < file.data.byteLength; at += piece) {
      await writeChunks(request, file.data.subarray(at, at + piece))
      await sleep((3 * LIFETIME_MS) / (file.data.byteLength / piece))
    }
    request.end()
    expect((await response).statusCode).toBe(201)
    await following
    expect(rollovers).toBeGreaterThanOrEqual(2)
    // No snapshot twice: versions only increase. The offsets never go back, and the last is complete.
    for (let i = 1; i < versions.length; i++) expect(versions[i]).toBeGreaterThan(versions[i - 1]!)
    for (let i = 1; i < snapshots.length; i++) expect(snapshots[i]!.offset).toBeGreaterThanOrEqual(snapshots[i - 1]!.offset)
    expect(snapshots.at(-1)).toMatchObject({ state: 'complete', offset: file.data.byteLength, sha256: file.sha256 })
  })
})
