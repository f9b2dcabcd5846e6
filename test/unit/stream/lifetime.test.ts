import { describe, expect, it } from 'vitest'
import { sleep } from '@/lib/async'
import { readSse, type SseEvent } from '@/lib/stream/client'
import { sseStream, withHeartbeats } from '@/lib/stream/sse'
import { ProgressCell, type UploadProgress } from '@/lib/uploads/progress'

/**
 * The server-side lifetime of long-lived responses (`lib/stream/lifetime.ts`): a response ends
 * by itself, between two events, with an end that says where to resume.
 */

async function events(stream: ReadableStream<Uint8Array>): Promise<SseEvent[]> {
  const out: SseEvent[] = []
  for await (const event of readSse(new Response(stream))) out.push(event)
  return out
}

describe('sseStream with a lifetime', () => {
  it('ends an endless source between two events with the end event, which names the last id sent', async () => {
    let last = 0
    let finished = false
    const source = async function* () {
      try {
        for (let id = 1; ; id++) {
          await sleep(10)
          last = id
          yield { event: 'tick', id, data: { id } }
        }
      } finally {
        finished = true
      }
    }
    const got = await events(
      sseStream(source, {
        heartbeatMs: 0,
        done: false,
        lifetime: { capMs: 120, end: () => ({ event: 'reconnect', id: last, data: { last } }) },
      }),
    )
    const ticks = got.filter((e) => e.event === 'tick')
    const end = got.at(-1)!
    expect(ticks.length).toBeGreaterThan(0)
    expect(end.event).toBe('reconnect')
    // The end names exactly the last event the client got: resuming after it misses nothing.
    expect(end.id).toBe(ticks.at(-1)!.id)
    expect(JSON.parse(end.data)).toEqual({ last: Number(ticks.at(-1)!.id) })
    expect(got.filter((e) => e.event === 'done')).toHaveLength(0)
    await sleep(20)
    expect(finished).toBe(true)
  })

  it('ends a quiet source too, with heartbeats before the end', async () => {
    const quiet = async function* () {
      await sleep(10_000)
      yield { data: 'never' }
    }
    const text = await new Response(
      sseStream(quiet, { heartbeatMs: 30, lifetime: { capMs: 100, end: () => ({ event: 'reconnect', data: {} }) } }),
    ).text()
    expect(text).toContain(': heartbeat')
    expect(text.endsWith('event: reconnect\ndata: {}\n\n')).toBe(true)
    expect(text).not.toContain('never')
  })

  it('sends `done`, not the end, when the source finishes first', async () => {
    const got = await events(
      sseStream([{ data: 'a' }], { heartbeatMs: 0, lifetime: { capMs: 5_000, end: () => ({ event: 'reconnect', data: {} }) } }),
    )
    expect(got.map((e) => e.event)).toEqual(['message', 'done'])
  })
})

describe('withHeartbeats with a lifetime', () => {
  it('ends at an event boundary, never inside an event that is still arriving', async () => {
    const encoder = new TextEncoder()
    const source = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode('data: {"n":1}\n\n'))
        controller.enqueue(encoder.encode('data: {"n":'))
        await sleep(150) // the lifetime passes in the middle of this event
        controller.enqueue(encoder.encode('2}\n\n'))
        await sleep(10_000)
        controller.close()
      },
    })
    const text = await new Response(
      withHeartbeats(source, { heartbeatMs: 0, lifetime: { capMs: 50, end: () => 'data: {"type":"end"}\n\n' } }),
    ).text()
    expect(text).toBe('data: {"n":1}\n\ndata: {"n":2}\n\ndata: {"type":"end"}\n\n')
  })
})

describe('ProgressCell versions', () => {
  const initial: UploadProgress = {
    id: 'u',
    name: 'f',
    size: 10,
    offset: 0,
    state: 'created',
    attemptOffset: 0,
    attempts: 0,
    createdAt: 0,
    updatedAt: 0,
  }

  it('continues after the version a reconnecting reader already has, never repeating it', async () => {
    const cell = new ProgressCell(initial)
    cell.update({ state: 'receiving', offset: 3 })
    const reader = cell.watchVersions({ after: 1 })
    const next = reader.next()
    cell.update({ offset: 7 })
    expect((await next).value).toMatchObject({ version: 2, progress: { offset: 7 } })
    await reader.return(undefined)
  })

  it('gives the current snapshot for a version it does not have (another process, a restart)', async () => {
    const cell = new ProgressCell(initial)
    const reader = cell.watchVersions({ after: 99 })
    expect((await reader.next()).value).toMatchObject({ version: 0, progress: { state: 'created' } })
    await reader.return(undefined)
  })
})
