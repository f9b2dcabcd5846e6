import { execFile, spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deferred, sleep } from '@/lib/async'
import { readSse, readText } from '@/lib/stream/client'
import { duplexRequest } from '@/test/support/http'
import { startServer, type TestServer } from '@/test/support/server'
import { answeredByAppRouter } from '@/test/support/transport'

let server: TestServer

beforeAll(async () => {
  // Heartbeats every 40 ms when quiet: between two feed samples (100 ms apart).
  server = await startServer({
    env: { SLUICE_FEED_INTERVAL_MS: '100', SLUICE_HEARTBEAT_MS: '40', SLUICE_MAX_BODY_BYTES: String(1024 * 1024) },
  })
})
afterAll(() => server?.stop())

const url = (path: string) => `${server.baseUrl}${path}`

async function active(kind: string): Promise<number> {
  const health = (await (await fetch(url('/api/health'))).json()) as { activeByKind: Record<string, number> }
  return health.activeByKind[kind] ?? 0
}
const activeWords = () => active('words')
/** Open feed subscriptions (`lib/feed.ts`), which the samples report as `feedClients`. */
const activeFeeds = () => active('feed')

describe('errors', () => {
  it('unknown API routes answer 404 in the error shape', async () => {
    const res = await fetch(url('/api/does-not-exist'), { method: 'POST' })
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: { code: 'not_found:route', message: 'No API route at /api/does-not-exist' } })
  })

  it('wrong-typed query parameters answer 400 naming the problem', async () => {
    const res = await fetch(url('/api/words?count=lots'))
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('bad_request:query')
    expect(body.error.message).toContain('count')
  })

  it('unknown query parameters are refused, not ignored', async () => {
    const res = await fetch(url('/api/words?cuont=3'))
    expect(res.status).toBe(400)
  })

  it('a body over the limit answers 413 before anything is streamed', async () => {
    const res = await fetch(url('/api/pipeline'), {
      method: 'POST',
      body: 'x'.repeat(1024 * 1024 + 1),
      headers: { 'content-type': 'text/plain' },
    })
    expect(res.status).toBe(413)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('too_large:body')
  })

  it('a non-text body answers 415', async () => {
    const res = await fetch(url('/api/pipeline'), { method: 'POST', body: 'x', headers: { 'content-type': 'image/png' } })
    expect(res.status).toBe(415)
  })
})

describe('words stream', () => {
  it('delivers tokens as they are produced, not at the end', async () => {
    const t0 = performance.now()
    const res = await fetch(url('/api/words?count=5&delay=200'))
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    const arrivals: number[] = []
    for await (const token of readText(res)) if (token) arrivals.push(performance.now() - t0)
    expect(arrivals).toHaveLength(5)
    // The first token arrived while four 200 ms pauses were still to come.
    expect(arrivals[4]! - arrivals[0]!).toBeGreaterThan(600)
  })

  it('a client that leaves stops the generator: the server counter drops back', async () => {
    const before = await activeWords()
    const controller = new AbortController()
    const res = await fetch(url('/api/words?count=1000&delay=100'), { signal: controller.signal })
    const reader = readText(res, { signal: controller.signal })
    await reader.next()
    expect(await activeWords()).toBe(before + 1)
    controller.abort()
    await expect.poll(activeWords, { timeout: 5_000 }).toBe(before)
  })
})

/**
 * The feed on both of its transports, one handler (`app/api/feed/get.ts`): the Pages API route at
 * the public URL (`pages/api/feed.ts`), and its App Router twin at `/api/app-router/feed`
 * (`app/api/app-router/feed/route.ts`).
 */
describe.each([
  { transport: 'Pages API route (the public URL)', base: '/api/feed', served: 'pages' },
  { transport: 'App Router route', base: '/api/app-router/feed', served: 'app' },
])('live feed, $transport', ({ base, served }) => {
  const feed = (query = '', init: RequestInit = {}) => fetch(url(`${base}${query}`), init)

  it('is served by that transport', async () => {
    const controller = new AbortController()
    const res = await feed('', { signal: controller.signal })
    expect(res.status).toBe(200)
    expect(answeredByAppRouter(res.headers.get('vary'))).toBe(served === 'app')
    controller.abort()
  })

  it('sends SSE with the headers that defeat buffering, and increasing ids', async () => {
    const controller = new AbortController()
    const res = await feed('', { signal: controller.signal })
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform')
    expect(res.headers.get('x-accel-buffering')).toBe('no')
    expect(res.headers.get('content-encoding')).toBeNull()
    const ids: number[] = []
    for await (const e of readSse(res, { signal: controller.signal })) {
      expect(e.event).toBe('metrics')
      expect((JSON.parse(e.data) as { feedClients: number }).feedClients).toBeGreaterThanOrEqual(1)
      ids.push(Number(e.id))
      if (ids.length === 3) break
    }
    expect(ids[1]).toBe(ids[0]! + 1)
    expect(ids[2]).toBe(ids[0]! + 2)
  })

  it('a malformed Last-Event-ID answers 400', async () => {
    const res = await feed('', { headers: { 'last-event-id': 'yesterday' } })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request:Last-Event-ID header')
  })

  it('replays what a reconnecting client missed, from the header or the query parameter', async () => {
    await sleep(500) // let a few samples accumulate
    for (const init of [{ headers: { 'last-event-id': '2' } }, { query: '?lastEventId=2' }]) {
      const controller = new AbortController()
      const res = await feed('query' in init ? init.query : '', {
        signal: controller.signal,
        headers: 'headers' in init ? init.headers : {},
      })
      const ids: number[] = []
      for await (const e of readSse(res, { signal: controller.signal })) {
        ids.push(Number(e.id))
        if (ids.length === 4) break
      }
      expect(ids).toEqual([3, 4, 5, 6])
    }
  })

  it('is not held back by compression or buffering: curl -N sees events one interval apart, heartbeats between them', async () => {
    const times: number[] = []
    let heartbeats = 0
    const t0 = performance.now()
    const curl = execFile('curl', ['-sN', '--compressed', url(base)])
    const got = deferred()
    curl.stdout!.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) {
        if (line.startsWith('id: ')) times.push(performance.now() - t0)
        if (line === ': heartbeat') heartbeats++
      }
      if (times.length >= 4 && heartbeats > 0) got.resolve()
    })
    await got.promise
    curl.kill()
    // Four events spread over ~300 ms (100 ms interval), not delivered in one burst at the end.
    expect(times[3]! - times[0]!).toBeGreaterThan(150)
  })

  it('a client that leaves ends its subscription: the server counts one reader less', async () => {
    // The earlier tests' readers have left too (aborted, curl killed): none is counted any more.
    await expect.poll(activeFeeds, { timeout: 5_000 }).toBe(0)
    const controller = new AbortController()
    const res = await feed('', { signal: controller.signal })
    const events = readSse(res, { signal: controller.signal })
    await events.next()
    expect(await activeFeeds()).toBe(1)
    controller.abort()
    await expect.poll(activeFeeds, { timeout: 5_000 }).toBe(0)
  })
})

describe('pipeline', () => {
  // `/api/transform` is the route's old name, rewritten to `/api/pipeline` (next.config.ts): it must stream as well.
  it.each(['/api/pipeline', '/api/transform'])(
    '%s streams the first records back while the client still has body left to send',
    async (path) => {
      let sent = 0
      const total = 200
      const firstRecord = deferred()
      let sentWhenFirstArrived = -1
      const { status, lines, finished } = await duplexRequest(url(path), {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' },
        async next() {
          if (sent === total) return null
          // After a few chunks, hold the body until the first record has come back.
          if (sent === 5) await firstRecord.promise
          sent++
          return Buffer.from(`line ${sent} ${'word '.repeat(10)}\n`)
        },
      })
      expect(status).toBe(200)
      const records: { type: string }[] = []
      for await (const line of lines) {
        if (records.length === 0) {
          sentWhenFirstArrived = sent
          firstRecord.resolve()
        }
        records.push(JSON.parse(line) as { type: string })
      }
      await finished
      expect(sentWhenFirstArrived).toBeLessThan(total)
      expect(records.filter((r) => r.type === 'line')).toHaveLength(total)
      expect(records.at(-1)).toMatchObject({ type: 'summary', linesIn: total, linesOut: total })
    },
  )

  it('a chunked body that passes the limit ends with an error record (curl, streaming stdin)', async () => {
    const curl = spawn('curl', ['-sSN', '-X', 'POST', '-T', '-', '-H', 'content-type: text/plain', url('/api/pipeline?filter=zzz')])
    let out = ''
    curl.stdout!.on('data', (d: Buffer) => (out += d.toString()))
    const exited = new Promise((resolve) => curl.once('exit', (code, signal) => resolve(code ?? signal)))
    curl.stdin!.on('error', () => {}) // the server may stop reading once the limit is passed
    for (let i = 0; i < 20; i++) curl.stdin!.write(Buffer.alloc(64 * 1024, 'a\n'))
    curl.stdin!.end()
    expect(await exited).toBe(0)
    const last = out.trim().split('\n').at(-1)!
    expect(JSON.parse(last)).toMatchObject({ type: 'error', error: { code: 'too_large:body' } })
  })
})

describe('old names keep working (next.config.ts)', () => {
  it('the old API paths are rewritten to the renamed routes', async () => {
    const words = await fetch(url('/api/stream/words?count=3&delay=0'))
    expect(words.status).toBe(200)
    expect((await words.text()).trim().split(/\s+/)).toHaveLength(3)
    const list = await fetch(url('/api/streams'))
    expect(list.status).toBe(200)
    expect(await list.json()).toHaveProperty('streams')
    const missing = await fetch(url('/api/streams/no-such-stream/really'))
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: { code: expect.stringMatching(/^not_found/) } })
  })

  it('the old page paths redirect (308) to the new ones, the query kept', async () => {
    const streams = await fetch(url('/streams?id=demo%2Fx'), { redirect: 'manual' })
    expect(streams.status).toBe(308)
    expect(
      new URL(streams.headers.get('location')!, server.baseUrl).pathname + new URL(streams.headers.get('location')!, server.baseUrl).search,
    ).toBe('/durable?id=demo%2Fx')
    const upload = await fetch(url('/upload'), { redirect: 'manual' })
    expect(upload.status).toBe(308)
    expect(new URL(upload.headers.get('location')!, server.baseUrl).pathname).toBe('/uploads')
  })
})
