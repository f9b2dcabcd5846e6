import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { sleep } from '@/lib/async'
import { readSse, type SseEvent } from '@/lib/stream/client'
import { openStream } from '@/lib/typed/client'
import { defineStream } from '@/lib/typed/define'
import { silentLogger } from '@/lib/typed/logger'
import { streamHandlers } from '@/lib/typed/route'
import { testAccess, withAccess } from '../../support/access'

// A short lifetime for every response of this file (read once, when the config is first used).
process.env.SLUICE_STREAM_LIFETIME_MS = '500'

const base = 'http://test.local/api/ticks'
/** The highest n each run has written so far (its handler's progress). */
const written = new Map<string, number>()

const ticks = defineStream({
  name: 'lifetime-ticks',
  input: z.object({
    count: z.coerce.number<number>().int().min(1).max(1_000),
    everyMs: z.coerce.number<number>().int().min(1).default(25),
  }),
  chunk: z.object({ n: z.number() }),
  final: z.object({ total: z.number() }),
  handler: async ({ count, everyMs }, writer, { signal, streamId }) => {
    for (let n = 1; n <= count; n++) {
      await sleep(everyMs, signal)
      await writer.write({ n })
      written.set(streamId, n)
    }
    writer.close({ total: count })
  },
})

const handlers = streamHandlers(ticks, { logger: silentLogger, heartbeatMs: 0 })

async function events(response: Response): Promise<SseEvent[]> {
  const out: SseEvent[] = []
  for await (const event of readSse(response)) out.push(event)
  return out
}

const post = (body: unknown) =>
  new Request(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const resume = (lastEventId: string) => new Request(base, { method: 'POST', headers: { 'last-event-id': lastEventId } })

describe('a typed stream across its lifetime', () => {
  it('ends the response with `reconnect` naming the run and its last frame, and goes on from the next frame when resumed', async () => {
    const POST = withAccess(handlers.POST, testAccess())
    const response = await POST(post({ count: 60 }))
    const first = await events(response)
    const end = first.at(-1)!
    expect(end.event).toBe('reconnect')
    const streamId = response.headers.get('x-stream-id')!
    const lastFrame = first.at(-2)!
    expect(end.id).toBe(`${streamId}:${lastFrame.id}`)
    expect(JSON.parse(end.data)).toMatchObject({ reason: 'lifetime', streamId, lastEventId: end.id })
    expect(first.some((e) => ['complete', 'error', 'cancel'].includes(e.event))).toBe(false)
  })

  it('delivers every frame exactly once, in order, across several rollovers, to the typed client', async () => {
    const access = testAccess()
    const POST = withAccess(handlers.POST, access)
    const reconnects: string[] = []
    const fetcher: typeof fetch = async (input, init) => POST(new Request(new URL(String(input), base), init))
    const stream = openStream<typeof ticks>(base, { count: 80, everyMs: 20 }, { fetch: fetcher, onReconnect: (id) => reconnects.push(id) })
    const ids: number[] = []
    const chunks: number[] = []
    let last
    for await (const frame of stream) {
      ids.push(Number(frame.id))
      if (frame.type === 'chunk') chunks.push(frame.data.n)
      last = frame
    }
    expect(reconnects.length).toBeGreaterThanOrEqual(2)
    expect(ids).toEqual(Array.from({ length: 82 }, (_, i) => i)) // start, 80 chunks, complete
    expect(chunks).toEqual(Array.from({ length: 80 }, (_, i) => i + 1))
    expect(last).toMatchObject({ type: 'complete', data: { total: 80 } })
  })

  it('pauses the handler while nobody reads, instead of losing or piling up frames', async () => {
    const access = testAccess()
    const POST = withAccess(handlers.POST, access)
    const response = await POST(post({ count: 200, everyMs: 5 }))
    const streamId = response.headers.get('x-stream-id')!
    const end = (await events(response)).at(-1)!
    const at = written.get(streamId)!
    await sleep(300)
    // One frame may be taken by the ended response and held for the next one; no more.
    expect(written.get(streamId)! - at).toBeLessThanOrEqual(1)
    const next = await events(await POST(resume(end.id!)))
    expect(next[0]!.id).toBe(String(Number(end.id!.split(':')[1]) + 1))
  })

  it('does not end a response whose request carries an upload: the handler reads that body, which ends with the response', async () => {
    const POST = withAccess(handlers.POST, testAccess())
    const list = await events(
      await POST(
        new Request(`${base}?count=40&everyMs=20`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b\n1,2\n' }),
      ),
    )
    expect(list.map((e) => e.event)).not.toContain('reconnect')
    expect(list.at(-1)!.event).toBe('complete')
  })

  it('refuses a resume from another visitor, from a wrong position, and of an unknown run', async () => {
    const access = testAccess()
    const response = await withAccess(handlers.POST, access)(post({ count: 200 }))
    const end = (await events(response)).at(-1)!
    const [streamId, frame] = end.id!.split(':') as [string, string]
    const stranger = await withAccess(handlers.POST)(resume(end.id!))
    expect(stranger.status).toBeGreaterThanOrEqual(400)
    const wrong = await withAccess(handlers.POST, access)(resume(`${streamId}:${Number(frame) - 1}`))
    expect(wrong.status).toBe(409)
    const unknown = await withAccess(handlers.POST, access)(resume(`${crypto.randomUUID()}:3`))
    expect(unknown.status).toBeGreaterThanOrEqual(400)
    // The owner at the right position still gets it.
    const right = await withAccess(handlers.POST, access)(resume(end.id!))
    expect(right.status).toBe(200)
    await right.body!.cancel()
  })
})
