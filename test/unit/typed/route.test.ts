import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { deferred } from '@/lib/async'
import { AppError } from '@/lib/errors'
import { readSse, type SseEvent } from '@/lib/stream/client'
import { defineStream } from '@/lib/typed/define'
import { silentLogger } from '@/lib/typed/logger'
import { streamHandlers } from '@/lib/typed/route'
import { withAccess } from '../../support/access'

const base = 'http://test.local/api/demo'
let started = 0
/** Stream ids whose handler has returned. */
const finished = new Set<string>()

const demo = defineStream({
  name: 'route-demo',
  input: z.object({ count: z.coerce.number<number>().int().min(1).max(5), wait: z.enum(['yes', 'no']).default('no') }),
  chunk: z.object({ n: z.number() }),
  final: z.object({ total: z.number(), body: z.string().optional() }),
  guards: [
    function notFour(_request, input) {
      return input.count !== 4
    },
    function notFive(_request, input) {
      if (input.count === 5) throw new AppError('unauthorized:demo', 'Five needs a login')
    },
  ],
  handler: async function demoHandler({ count, wait }, writer, context) {
    started++
    let n = 0
    try {
      for (n = 1; n <= count; n++) await writer.write({ n })
      if (wait === 'yes') {
        // Wait until cancelled.
        const gate = deferred()
        context.signal.addEventListener('abort', () => gate.reject(context.signal.reason))
        await gate.promise
      }
    } catch (error) {
      if (!writer.cancelled) throw error
    }
    const body = context.request.headers.get('content-type') === 'text/plain' ? await context.request.text() : undefined
    writer.close({ total: n - 1, body })
    finished.add(context.streamId)
  },
})

const handlers = streamHandlers(demo, { logger: silentLogger, heartbeatMs: 0 })
const [GET, POST, DELETE] = [withAccess(handlers.GET), withAccess(handlers.POST), withAccess(handlers.DELETE)]

async function events(response: Response): Promise<SseEvent[]> {
  const out: SseEvent[] = []
  for await (const event of readSse(response)) out.push(event)
  return out
}

async function errorBody(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  return ((await response.json()) as { error: { code: string; message: string; details?: unknown } }).error
}

describe('streamRoute', () => {
  it('streams the frames as SSE events named after their type, with ids and JSON data', async () => {
    const response = await POST(new Request(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"count":2}' }))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const streamId = response.headers.get('x-stream-id')
    const list = await events(response)
    expect(list).toEqual([
      { event: 'start', id: '0', data: JSON.stringify({ streamId }) },
      { event: 'chunk', id: '1', data: '{"n":1}' },
      { event: 'chunk', id: '2', data: '{"n":2}' },
      { event: 'complete', id: '3', data: '{"total":2}' },
    ])
  })

  it('takes the input from the query string for GET', async () => {
    const list = await events(await GET(new Request(`${base}?count=1`)))
    expect(list.map((e) => e.event)).toEqual(['start', 'chunk', 'complete'])
  })

  it('takes the input from the query string and leaves an upload body to the handler', async () => {
    const response = await POST(
      new Request(`${base}?count=1`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'a,b\n1,2\n' }),
    )
    const list = await events(response)
    expect(JSON.parse(list.at(-1)!.data)).toEqual({ total: 1, body: 'a,b\n1,2\n' })
  })

  it('answers invalid input with 400 and the zod issues, before any frame and without running the handler', async () => {
    const before = started
    const response = await POST(new Request(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"count":9}' }))
    expect(response.status).toBe(400)
    const error = await errorBody(response)
    expect(error.code).toBe('bad_request:body')
    expect(error.details).toEqual([{ path: 'count', message: expect.stringMatching(/<=\s*5/) }])
    const query = await GET(new Request(`${base}?count=zero`))
    expect(query.status).toBe(400)
    expect((await errorBody(query)).code).toBe('bad_request:query')
    expect(started).toBe(before)
  })

  it('answers 403 for a guard returning false and the error status for a guard that throws', async () => {
    const before = started
    const refused = await GET(new Request(`${base}?count=4`))
    expect(refused.status).toBe(403)
    expect((await errorBody(refused)).code).toBe('forbidden:stream')
    const unauthorized = await GET(new Request(`${base}?count=5`))
    expect(unauthorized.status).toBe(401)
    expect((await errorBody(unauthorized)).code).toBe('unauthorized:demo')
    expect(started).toBe(before)
  })

  it('cancels a running stream on DELETE ?stream=<id>, which ends with a cancel frame carrying the partial result', async () => {
    const response = await GET(new Request(`${base}?count=2&wait=yes`))
    const streamId = response.headers.get('x-stream-id')!
    const seen: SseEvent[] = []
    for await (const event of readSse(response)) {
      seen.push(event)
      if (event.event === 'chunk' && event.data === '{"n":2}') {
        const cancelled = await DELETE(new Request(`${base}?stream=${streamId}`, { method: 'DELETE' }))
        expect(cancelled.status).toBe(202)
        expect(await cancelled.json()).toEqual({ streamId, cancelling: true })
      }
    }
    expect(seen.map((e) => e.event)).toEqual(['start', 'chunk', 'chunk', 'cancel'])
    expect(JSON.parse(seen[3]!.data)).toEqual({ reason: 'requested', final: { total: 2 } })
    // It has ended: cancelling again finds nothing.
    expect((await DELETE(new Request(`${base}?stream=${streamId}`, { method: 'DELETE' }))).status).toBe(404)
  })

  it('answers 400 to a DELETE without a valid stream id and 404 to an unknown one', async () => {
    expect((await DELETE(new Request(`${base}?stream=nope`, { method: 'DELETE' }))).status).toBe(400)
    const unknown = await DELETE(new Request(`${base}?stream=${crypto.randomUUID()}`, { method: 'DELETE' }))
    expect(unknown.status).toBe(404)
    expect((await errorBody(unknown)).code).toBe('not_found:stream')
  })

  it('cancels the handler when the client stops reading the response', async () => {
    const response = await GET(new Request(`${base}?count=1&wait=yes`))
    const streamId = response.headers.get('x-stream-id')!
    const reader = readSse(response)
    expect((await reader.next()).value).toMatchObject({ event: 'start' })
    expect((await reader.next()).value).toMatchObject({ event: 'chunk' })
    expect(finished.has(streamId)).toBe(false)
    await reader.return(undefined) // cancels the body, as a browser does when the tab goes away
    await expect.poll(() => finished.has(streamId)).toBe(true)
    expect((await DELETE(new Request(`${base}?stream=${streamId}`, { method: 'DELETE' }))).status).toBe(404)
  })
})
