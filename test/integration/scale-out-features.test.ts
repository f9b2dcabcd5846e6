import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readSse, type SseEvent } from '@/lib/stream/client'
import { askChat, chunkText, deltas, readChunks, type Chunk } from '../support/chat'
import { startRedis, type TestRedis } from '../support/redis'
import { startServer, type TestServer } from '../support/server'

/**
 * The features beyond durable streams, on two production instances sharing one Redis: a chat
 * generation started on A is resumed and stopped through B; a typed stream running on A is
 * cancelled through B; jobs and exports started on one instance are seen on the other.
 */
let redis: TestRedis
let a: TestServer
let b: TestServer

beforeAll(async () => {
  redis = await startRedis()
  const env = { REDIS_URL: redis.url, SLUICE_OFFLINE_TOKEN_MS: '10' }
  ;[a, b] = await Promise.all([startServer({ env }), startServer({ env })])
})

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
  await redis?.stop()
})

const ask = (server: TestServer, chatId: string, text: string) => askChat(server.baseUrl, chatId, text)

/** UI message chunks of an answer, after checking it started (`200`). */
async function chunks(response: Response, until?: (so: Chunk[]) => boolean): Promise<Chunk[]> {
  expect(response.status).toBe(200)
  return readChunks(response, until)
}
async function running(server: TestServer, kind: string): Promise<number> {
  const health = (await (await fetch(`${server.baseUrl}/api/health`)).json()) as { activeByKind: Record<string, number> }
  return health.activeByKind[kind] ?? 0
}

describe('chat across instances', () => {
  const prompt = 'Tell me a long story about two servers'

  test('a generation running on A is resumed through B with the text of an uninterrupted run', async () => {
    const reference = chunkText(await chunks(await ask(b, `ref-${Date.now()}`, prompt)))
    const chatId = `resume-${Date.now()}`
    const first = await ask(a, chatId, prompt)
    const early = await chunks(first, deltas(3))
    expect(await running(a, 'generation')).toBe(1)
    // B knows the chat (shared store) and replays its answer from the shared durable stream.
    const chat = (await (await fetch(`${b.baseUrl}/api/chats/${chatId}`)).json()) as { activeStreamId: string | null }
    expect(chat.activeStreamId).toBe(first.headers.get('x-sluice-generation'))
    const resumed = await chunks(await fetch(`${b.baseUrl}/api/chat/${chatId}/stream`))
    expect(await running(b, 'generation')).toBe(0) // B only read it
    expect(chunkText(resumed).startsWith(chunkText(early))).toBe(true)
    expect(chunkText(resumed)).toBe(reference)
    expect(resumed.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' })
    await expect
      .poll(async () => ((await (await fetch(`${b.baseUrl}/api/chats/${chatId}`)).json()) as { activeStreamId: unknown }).activeStreamId)
      .toBeNull()
  })

  test('Stop sent to B aborts the model call on A; the partial answer is stored for both', async () => {
    const chatId = `stop-${Date.now()}`
    let stopping: Promise<void> | undefined
    const first = await ask(a, chatId, prompt)
    let stopped = false
    const all = await chunks(first, (so) => {
      if (!stopped && deltas(2)(so)) {
        stopped = true
        // Mid-answer, while A's response keeps being read (the callback's promise is awaited below).
        stopping = (async () => {
          expect((await ask(b, chatId, 'meanwhile')).status).toBe(409) // one answer at a time, across instances
          const stop = await fetch(`${b.baseUrl}/api/chat/${chatId}/stop`, { method: 'POST' })
          expect(((await stop.json()) as { stopped: boolean }).stopped).toBe(true)
        })()
      }
      return false
    })
    await stopping
    expect(all.at(-1)).toMatchObject({ type: 'abort' })
    await expect.poll(() => running(a, 'generation')).toBe(0)
    const again = await fetch(`${b.baseUrl}/api/chat/${chatId}/stop`, { method: 'POST' })
    expect(((await again.json()) as { stopped: boolean }).stopped).toBe(false)
    const stored = (await (await fetch(`${b.baseUrl}/api/chats/${chatId}`)).json()) as { messages: Array<{ role: string }> }
    expect(stored.messages.map((m) => m.role)).toEqual(['user', 'assistant'])
    // The chat takes a new message again, on either instance.
    expect(chunkText(await chunks(await ask(b, chatId, 'hello again')))).not.toBe('')
  })
})

describe('an instance that dies mid-answer', () => {
  test('a follower on B replays what was written and ends; the chat answers again once the lease expires', async () => {
    const leaseEnv = { REDIS_URL: redis.url, SLUICE_OFFLINE_TOKEN_MS: '20', SLUICE_STOP_LEASE_MS: '1500' }
    const [victim, watcher] = await Promise.all([startServer({ env: leaseEnv }), startServer({ env: leaseEnv })])
    try {
      const chatId = `crash-${Date.now()}`
      const first = await ask(victim, chatId, 'Tell me a long story about a crash')
      await chunks(first, deltas(3))
      const follower = fetch(`${watcher.baseUrl}/api/chat/${chatId}/stream`).then((res) => chunks(res))
      await new Promise((resolve) => setTimeout(resolve, 200))
      await victim.kill() // SIGKILL: no finish, no close, no release
      // The follower does not wait forever for a close that will never come.
      const replayed = await follower
      expect(chunkText(replayed).length).toBeGreaterThan(0)
      expect(replayed.some((c) => c.type === 'finish')).toBe(false)
      // Refused while the dead instance's lease lasts (at most 1.5 s here), then answered.
      await expect.poll(async () => (await ask(watcher, chatId, 'are you there?')).status, { timeout: 10_000, interval: 250 }).toBe(200)
    } finally {
      await Promise.all([victim.stop(), watcher.stop()])
    }
  })
})

/** The SSE frames of a typed stream, with the `start` frame read first. */
async function openImport(server: TestServer, input: Record<string, unknown>) {
  const res = await fetch(`${server.baseUrl}/api/jobs/import`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  })
  expect(res.status).toBe(200)
  const events = readSse(res)[Symbol.asyncIterator]()
  const start = (await events.next()).value as SseEvent
  expect(start.event).toBe('start')
  const { streamId } = JSON.parse(start.data) as { streamId: string }
  const rest = async () => {
    const out: SseEvent[] = []
    for (let e = await events.next(); !e.done; e = await events.next()) out.push(e.value)
    return out
  }
  return { streamId, rest }
}

describe('typed-stream jobs across instances', () => {
  test('an import running on A is cancelled through B and its committed rows are seen from B', async () => {
    const { streamId, rest } = await openImport(a, { rows: 1_000_000, batchSize: 100, delayMs: 20 })
    expect(await running(a, 'stream:import')).toBe(1)
    const cancel = await fetch(`${b.baseUrl}/api/jobs/import?stream=${streamId}`, { method: 'DELETE' })
    expect(cancel.status).toBe(202)
    const frames = await rest()
    const last = frames.at(-1)!
    expect(last.event).toBe('cancel')
    const summary = JSON.parse(last.data) as { reason: string; final: { jobId: string; inserted: number; rejected: number } }
    expect(summary.reason).toBe('requested')
    expect((await fetch(`${b.baseUrl}/api/jobs/import?stream=${streamId}`, { method: 'DELETE' })).status).toBe(404)
    // The job, as stored, from the other instance: cancelled, its counts equal to its stored rows.
    const job = (await (await fetch(`${b.baseUrl}/api/jobs/import/${summary.final.jobId}`)).json()) as Record<string, unknown>
    expect(job).toMatchObject({ status: 'cancelled', inserted: summary.final.inserted, storedRows: summary.final.inserted })
  })

  test('a cancel for a stream no instance runs is 404', async () => {
    const res = await fetch(`${b.baseUrl}/api/jobs/import?stream=${crypto.randomUUID()}`, { method: 'DELETE' })
    expect(res.status).toBe(404)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found:stream')
  })

  test('a background export started through A (after()) is read to its end through B', async () => {
    const seeded = await fetch(`${b.baseUrl}/api/jobs/export/table`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rows: 5_000 }),
    })
    expect(seeded.status).toBe(200)
    expect(((await (await fetch(`${a.baseUrl}/api/jobs/export/table`)).json()) as { rows: number }).rows).toBe(5_000)
    const started = await fetch(`${a.baseUrl}/api/jobs/export/durable`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ format: 'csv' }),
    })
    expect(started.status).toBe(202)
    const { id } = (await started.json()) as { id: string }
    // Written by A's after() work; B sees it grow, then closed.
    await expect
      .poll(async () => (await fetch(`${b.baseUrl}/v1/stream/${id}`, { method: 'HEAD' })).headers.get('stream-closed'), { timeout: 30_000 })
      .toBe('true')
    const body = await (await fetch(`${b.baseUrl}/v1/stream/${id}`)).text()
    const direct = await (await fetch(`${a.baseUrl}/api/jobs/export?format=csv`)).text()
    expect(body).toBe(direct)
    expect(body.startsWith('id,name,email')).toBe(true)
    expect(body).toContain('\n5000,') // the last seeded row (seeded through B)
    expect(body).not.toContain('\n5001,')
  })
})

describe('the live stream list across instances', () => {
  test('a list open on A is pushed the streams its visitor makes, writes, closes and deletes through B', async () => {
    // One visitor on both instances: the test's cookie jar is per host, as a browser's is behind a balancer.
    expect((await fetch(`${a.baseUrl}/api/durable`)).status).toBe(200)
    const controller = new AbortController()
    const res = await fetch(`${a.baseUrl}/api/durable?live=sse&namespace=across`, { signal: controller.signal })
    expect(res.status).toBe(200)
    const events = readSse(res, { signal: controller.signal })[Symbol.asyncIterator]()
    type Page = { total: number; streams: Array<{ id: string; sizeBytes: number; closed: boolean }> }
    /** The next `streams` event for which `check` holds. */
    const until = async (check: (page: Page) => boolean): Promise<Page> => {
      for (;;) {
        const { value, done } = await events.next()
        if (done) throw new Error('the live list ended')
        if (value.event !== 'streams') continue
        const page = JSON.parse(value.data) as Page
        if (check(page)) return page
      }
    }
    try {
      expect((await until(() => true)).total).toBe(0)
      const post = (url: string, init: RequestInit) => fetch(url, { method: 'POST', ...init })
      // Made through B: B's guard announces it on the owner's channel, A's list hears it.
      const created = await post(`${b.baseUrl}/api/durable`, {
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ namespace: 'across', contentType: 'text/plain' }),
      })
      expect(created.status).toBe(201)
      const { id } = (await created.json()) as { id: string }
      await until((page) => page.streams.some((s) => s.id === id))
      // Written and closed through B: the store's pub/sub wakes A.
      const url = `${b.baseUrl}/v1/stream/${id}`
      expect((await post(url, { headers: { 'Content-Type': 'text/plain' }, body: 'across' })).status).toBe(204)
      await until((page) => page.streams.some((s) => s.id === id && s.sizeBytes === 6))
      expect((await post(url, { headers: { 'Stream-Closed': 'true' } })).status).toBe(204)
      await until((page) => page.streams.some((s) => s.id === id && s.closed))
      expect((await fetch(`${b.baseUrl}/api/durable/${id}`, { method: 'DELETE' })).status).toBe(204)
      expect(await until((page) => page.total === 0)).toMatchObject({ streams: [] })
    } finally {
      controller.abort()
    }
  })
})
