import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { answerStream } from '@/lib/typed/endpoints/answer'
import type { countdownStream } from '@/lib/typed/endpoints/countdown'
import { openStream, StreamRequestError, type FrameOf } from '@/lib/typed/client'
import type { AnyStreamDefinition } from '@/lib/typed/define'
import { startOpenAiServer, type OpenAiServer } from '@/test/support/openai-server'
import { startServer, type TestServer } from '@/test/support/server'
import { newVisitor } from '@/test/support/visitor'

/**
 * The typed endpoints catalogue against production builds: `GET /api/typed`, the answer stream on
 * the built-in offline model (the default) and on an OpenAI-compatible server this test runs, and
 * the scaffold's countdown. Each test file is one visitor (its cookie jar); caps are 1 per visitor.
 */
let offline: TestServer
let openai: TestServer
let upstream: OpenAiServer

beforeAll(async () => {
  upstream = await startOpenAiServer()
  ;[offline, openai] = await Promise.all([
    startServer({ env: { SLUICE_OFFLINE_TOKEN_MS: '40', SLUICE_RUNNING_PER_VISITOR: '1' } }),
    startServer({
      env: {
        OPENAI_API_KEY: upstream.apiKey,
        OPENAI_BASE_URL: `${upstream.url}/v1`,
        SLUICE_MODEL: 'local-test-model',
        SLUICE_MODEL_MAX_RETRIES: '0',
      },
    }),
  ])
})
afterAll(async () => {
  await Promise.all([offline?.stop(), openai?.stop()])
  await upstream?.close()
})

async function activeOn(server: TestServer, kind: string): Promise<number> {
  const health = (await (await fetch(`${server.baseUrl}/api/health`)).json()) as { activeByKind: Record<string, number> }
  return health.activeByKind[kind] ?? 0
}

/** Reads frames until `until` says stop (or the stream ends), keeping the iterator open. */
async function framesUntil<D extends AnyStreamDefinition>(
  frames: AsyncIterator<FrameOf<D>>,
  until: (frame: FrameOf<D>) => boolean,
): Promise<FrameOf<D>[]> {
  const seen: FrameOf<D>[] = []
  for (;;) {
    const next = await frames.next()
    if (next.done) return seen
    seen.push(next.value)
    if (until(next.value)) return seen
  }
}

describe('GET /api/typed', () => {
  it('lists every typed endpoint with its JSON Schemas', async () => {
    const response = await fetch(`${offline.baseUrl}/api/typed`)
    expect(response.status).toBe(200)
    const { endpoints } = (await response.json()) as {
      endpoints: Array<{ name: string; path: string; methods: string[]; schemas: Record<string, { type?: string }> }>
    }
    expect(endpoints.map((e) => [e.name, e.path, e.methods])).toEqual([
      ['import', '/api/jobs/import', ['POST', 'DELETE']],
      ['answer', '/api/typed/answer', ['POST', 'DELETE']],
      ['countdown', '/api/typed/countdown', ['GET', 'POST', 'DELETE']],
    ])
    for (const e of endpoints)
      for (const key of ['input', 'chunk', 'final']) expect(e.schemas[key]?.type, `${e.name} ${key}`).toBe('object')
  })
})

describe('POST /api/typed/answer on the offline model', () => {
  const answerUrl = () => `${offline.baseUrl}/api/typed/answer`

  it('streams tokens as they are produced, then the usage and finish reason', async () => {
    const stream = openStream<typeof answerStream>(answerUrl(), { prompt: 'Explain streaming in detail' })
    const frames = stream[Symbol.asyncIterator]()
    const first = await framesUntil(frames, (f) => f.type === 'chunk')
    expect(first.map((f) => f.type)).toEqual(['start', 'chunk'])
    // The first token is here while the model is still producing the rest: the handler runs on.
    expect(await activeOn(offline, 'stream:answer')).toBe(1)
    const rest = await framesUntil(frames, () => false)
    const last = rest.at(-1)!
    expect(last.type).toBe('complete')
    if (last.type !== 'complete') return
    expect(rest.filter((f) => f.type === 'chunk').length).toBeGreaterThan(20)
    const text = [...first, ...rest].flatMap((f) => (f.type === 'chunk' ? [f.data.delta] : [])).join('')
    expect(last.data).toMatchObject({ text, finishReason: 'stop', model: expect.stringContaining('Offline model') })
    expect(last.data.usage.outputTokens).toBeGreaterThan(20)
    await expect.poll(() => activeOn(offline, 'stream:answer')).toBe(0)
  })

  it('refuses invalid input with 400 before any frame', async () => {
    for (const body of [{ prompt: '' }, { prompt: 'hi', maxOutputTokens: 0 }, {}]) {
      const response = await fetch(answerUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      const text = await response.text()
      expect(response.status, text).toBe(400)
      expect(text).not.toContain('event:')
      expect(JSON.parse(text)).toMatchObject({ error: { code: 'bad_request:body' } })
    }
  })

  it('caps model answers per visitor: a second one while the first runs is a 429', async () => {
    const stream = openStream<typeof answerStream>(answerUrl(), { prompt: 'Tell me a long story' })
    const frames = stream[Symbol.asyncIterator]()
    await framesUntil(frames, (f) => f.type === 'start')
    const second = await fetch(answerUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'and another' }),
    })
    expect(second.status).toBe(429)
    expect(second.headers.get('retry-after')).toBe('5')
    expect(await second.json()).toMatchObject({ error: { code: 'rate_limited:chat' } })
    // Another visitor has a cap of their own.
    const other = newVisitor()
    const theirs = await other.fetch(answerUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'hello' }),
    })
    expect(theirs.status).toBe(200)
    await theirs.body?.cancel()
    await stream.cancel()
    expect((await framesUntil(frames, () => false)).at(-1)?.type).toBe('cancel')
  })

  it('lets only its caller cancel it', async () => {
    const stream = openStream<typeof answerStream>(answerUrl(), { prompt: 'Tell me a long story' })
    const frames = stream[Symbol.asyncIterator]()
    await framesUntil(frames, (f) => f.type === 'chunk')
    const stranger = newVisitor()
    const refused = await stranger.fetch(`${answerUrl()}?stream=${stream.streamId}`, { method: 'DELETE' })
    expect(refused.status).toBe(403)
    expect(await activeOn(offline, 'stream:answer')).toBe(1) // still answering
    const next = await framesUntil(frames, (f) => f.type === 'chunk')
    expect(next.at(-1)?.type).toBe('chunk')
    await stream.cancel()
    const end = (await framesUntil(frames, () => false)).at(-1)!
    expect(end).toMatchObject({ type: 'cancel', data: { reason: 'requested', final: { finishReason: 'cancelled' } } })
  })
})

describe('POST /api/typed/answer on an OpenAI-compatible server', () => {
  it('a cancel aborts the model request upstream, and the cancel frame carries the answer so far', async () => {
    const before = upstream.requests.length
    const stream = openStream<typeof answerStream>(`${openai.baseUrl}/api/typed/answer`, { prompt: 'slow' })
    const frames = stream[Symbol.asyncIterator]()
    const first = await framesUntil(frames, (f) => f.type === 'chunk')
    const call = upstream.requests[before]!
    expect(call.body).toMatchObject({ model: 'local-test-model', stream: true })
    expect(call.aborted).toBe(false)
    await stream.cancel()
    const end = (await framesUntil(frames, () => false)).at(-1)!
    await call.finished
    expect(call.aborted).toBe(true) // the upstream response was cut before its end
    expect(end.type).toBe('cancel')
    if (end.type !== 'cancel') return
    const firstDelta = first.at(-1)!.type === 'chunk' ? (first.at(-1) as { data: { delta: string } }).data.delta : ''
    expect(end.data.final?.text.startsWith(firstDelta)).toBe(true)
    expect(end.data.final).toMatchObject({ finishReason: 'cancelled', model: expect.stringContaining('local-test-model') })
  })

  it('an upstream error is an error frame in the app’s shape', async () => {
    const frames = []
    for await (const frame of openStream<typeof answerStream>(`${openai.baseUrl}/api/typed/answer`, { prompt: 'status 429' }))
      frames.push(frame)
    expect(frames.at(-1)).toMatchObject({ type: 'error', data: { code: 'rate_limited:model' } })
  })
})

describe('the countdown (the scaffold’s example)', () => {
  const countdownUrl = () => `${offline.baseUrl}/api/typed/countdown`

  it('streams each number before the next is produced (POST with JSON input)', async () => {
    const stream = openStream<typeof countdownStream>(countdownUrl(), { from: 4, delayMs: 300 })
    const frames = stream[Symbol.asyncIterator]()
    const first = await framesUntil(frames, (f) => f.type === 'chunk')
    expect(first.at(-1)).toMatchObject({ type: 'chunk', data: { n: 4 } })
    expect(await activeOn(offline, 'stream:countdown')).toBe(1)
    const rest = await framesUntil(frames, () => false)
    expect(rest.map((f) => (f.type === 'chunk' ? f.data.n : f.type))).toEqual([3, 2, 1, 'complete'])
    expect(rest.at(-1)).toMatchObject({ data: { sent: 4 } })
  })

  it('takes its input from the query string (GET), and refuses a bad one with 400', async () => {
    const text = await (await fetch(`${countdownUrl()}?from=2&delayMs=0`)).text()
    expect(text).toMatch(/event: chunk\nid: 1\ndata: \{"n":2\}[\s\S]*event: complete\nid: 3\ndata: \{"sent":2\}/)
    const bad = await fetch(`${countdownUrl()}?from=0`)
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: { code: 'bad_request:query', details: [{ path: 'from' }] } })
  })

  it('cancel ends it with what it sent', async () => {
    const stream = openStream<typeof countdownStream>(countdownUrl(), { from: 50, delayMs: 200 })
    const frames = stream[Symbol.asyncIterator]()
    await framesUntil(frames, (f) => f.type === 'chunk')
    await stream.cancel()
    const end = (await framesUntil(frames, () => false)).at(-1)!
    expect(end).toMatchObject({ type: 'cancel', data: { reason: 'requested' } })
    if (end.type === 'cancel') expect(end.data.final!.sent).toBeLessThan(50)
    await expect(openStream<typeof countdownStream>(countdownUrl(), { from: 0 })[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(
      StreamRequestError,
    )
  })
})
