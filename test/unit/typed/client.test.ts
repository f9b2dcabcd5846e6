import { describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { defineStream } from '@/lib/typed/define'
import { openStream, StreamRequestError, type FrameOf } from '@/lib/typed/client'

const progress = defineStream({
  name: 'client-demo',
  input: z.object({ rows: z.number().int(), label: z.string().optional() }),
  chunk: z.object({ done: z.number(), note: z.string() }),
  final: z.object({ rows: z.number() }),
  handler: async function unused(_input, writer) {
    writer.close({ rows: 0 })
  },
})
// What a client component gets from `import type { progress } from '@/lib/...'`: the type, no code.
type Progress = typeof progress

const ID = '3b241101-e2bb-4255-8caf-4136c566a962'
// Written out by hand (not with the server's formatter): CRLF line ends, a comment, multibyte text.
const WIRE = [
  ': open\r\n\r\n',
  `event: start\r\nid: 0\r\ndata: {"streamId":"${ID}"}\r\n\r\n`,
  ': heartbeat\r\n\r\n',
  'event: chunk\r\nid: 1\r\ndata: {"done":1,"note":"naïve café 🚀"}\r\n\r\n',
  'event: chunk\r\nid: 2\r\ndata: {"done":2,"note":"a\\nb"}\r\n\r\n',
  'event: complete\r\nid: 3\r\ndata: {"rows":2}\r\n\r\n',
].join('')

/** A body that delivers `text` cut at random byte offsets (so multibyte characters get split). */
function randomlySplit(text: string, seed: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  let state = seed
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  let offset = 0
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close()
      const size = 1 + Math.floor(random() * 12)
      controller.enqueue(bytes.slice(offset, offset + size))
      offset += size
    },
  })
}

interface Call {
  url: string
  init: RequestInit | undefined
}

function fakeFetch(respond: (call: Call) => Response) {
  const calls: Call[] = []
  const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
    const call = { url: String(url), init }
    calls.push(call)
    return respond(call)
  }) as typeof fetch
  return { calls, fetch: fetchFn }
}

const sse = (body: BodyInit) => new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } })

async function collect<D extends Progress>(stream: AsyncIterable<FrameOf<D>>) {
  const frames: FrameOf<D>[] = []
  for await (const frame of stream) frames.push(frame)
  return frames
}

describe('openStream', () => {
  it('yields typed frames from an SSE response, whatever the chunking', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { fetch, calls } = fakeFetch(() => sse(randomlySplit(WIRE, seed)))
      const stream = openStream<Progress>('/api/demo', { rows: 2 }, { fetch })
      const frames = await collect(stream)
      expect(frames).toEqual([
        { type: 'start', id: '0', data: { streamId: ID } },
        { type: 'chunk', id: '1', data: { done: 1, note: 'naïve café 🚀' } },
        { type: 'chunk', id: '2', data: { done: 2, note: 'a\nb' } },
        { type: 'complete', id: '3', data: { rows: 2 } },
      ])
      expect(stream.streamId).toBe(ID)
      for (const frame of frames) if (frame.type === 'chunk') progress.chunk.parse(frame.data)
      expect(calls[0]!.init?.method).toBe('POST')
      expect(calls[0]!.init?.body).toBe('{"rows":2}')
      expect(new Headers(calls[0]!.init?.headers).get('content-type')).toBe('application/json')
    }
  })

  it('types the frames from the definition', () => {
    const stream = openStream<Progress>('/api/demo', { rows: 1 }, { fetch: fakeFetch(() => sse(WIRE)).fetch })
    type Frame = FrameOf<Progress>
    expectTypeOf<Extract<Frame, { type: 'chunk' }>['data']>().toEqualTypeOf<{ done: number; note: string }>()
    expectTypeOf<Extract<Frame, { type: 'complete' }>['data']>().toEqualTypeOf<{ rows: number }>()
    expectTypeOf(stream).toExtend<AsyncIterable<Frame>>()
    // @ts-expect-error -- the input is checked against the definition's input type
    openStream<Progress>('/api/demo', { rows: 'many' }, { fetch: fakeFetch(() => sse(WIRE)).fetch })
  })

  it('stops after the terminal frame, ignoring anything after it', async () => {
    const { fetch } = fakeFetch(() => sse(WIRE + 'event: chunk\nid: 9\ndata: {"done":9,"note":""}\n\n'))
    const frames = await collect(openStream<Progress>('/api/demo', { rows: 2 }, { fetch }))
    expect(frames.at(-1)!.type).toBe('complete')
    expect(frames).toHaveLength(4)
  })

  it('throws a StreamRequestError with the zod issues for a 400 answer', async () => {
    const body = {
      error: { code: 'bad_request:body', message: 'Invalid body: rows: Too big', details: [{ path: 'rows', message: 'Too big' }] },
    }
    const { fetch } = fakeFetch(() => Response.json(body, { status: 400 }))
    const error = await collect(openStream<Progress>('/api/demo', { rows: 1e9 }, { fetch })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StreamRequestError)
    expect(error).toMatchObject({ code: 'bad_request:body', status: 400, message: 'Invalid body: rows: Too big' })
    expect((error as StreamRequestError).details).toEqual([{ path: 'rows', message: 'Too big' }])
  })

  it('throws unavailable:stream_interrupted when the connection ends before a terminal frame', async () => {
    const cut = WIRE.slice(0, WIRE.indexOf('event: complete'))
    const { fetch } = fakeFetch(() => sse(cut))
    const frames: string[] = []
    const error = await (async () => {
      for await (const frame of openStream<Progress>('/api/demo', { rows: 2 }, { fetch })) frames.push(frame.type)
    })().catch((e: unknown) => e)
    expect(frames).toEqual(['start', 'chunk', 'chunk'])
    expect(error).toMatchObject({ code: 'unavailable:stream_interrupted' })
  })

  it('refuses a response that is not an event stream', async () => {
    const { fetch } = fakeFetch(() => new Response('<html>', { headers: { 'content-type': 'text/html' } }))
    await expect(collect(openStream<Progress>('/api/demo', { rows: 1 }, { fetch }))).rejects.toMatchObject({ code: 'unavailable:stream' })
  })

  it('sends the input in the query string when the body is an upload', async () => {
    const { fetch, calls } = fakeFetch(() => sse(WIRE))
    const file = new Blob(['name,email\n'], { type: 'text/csv' })
    await collect(openStream<Progress>('/api/demo', { rows: 2, label: 'a b&c' }, { fetch, body: file }))
    expect(calls[0]!.url).toBe('/api/demo?rows=2&label=a+b%26c')
    expect(calls[0]!.init?.body).toBe(file)
  })

  it('cancels through DELETE ?stream=<id> once the start frame has arrived', async () => {
    const { fetch, calls } = fakeFetch((call) => (call.init?.method === 'DELETE' ? new Response(null, { status: 202 }) : sse(WIRE)))
    const stream = openStream<Progress>('/api/demo?x=1', { rows: 2 }, { fetch })
    for await (const frame of stream) {
      if (frame.type === 'start') await stream.cancel()
    }
    expect(calls[1]).toMatchObject({ url: `/api/demo?stream=${ID}`, init: { method: 'DELETE' } })
  })

  it('disconnects when cancelled before the start frame, and when the caller aborts', async () => {
    const { fetch, calls } = fakeFetch((call) => {
      // A body that never ends until the request's signal aborts, like a server still working.
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          call.init?.signal?.addEventListener('abort', () => controller.error(call.init?.signal?.reason))
        },
      })
      return sse(body)
    })
    const early = openStream<Progress>('/api/demo', { rows: 1 }, { fetch })
    const iteration = collect(early)
    await early.cancel()
    await expect(iteration).rejects.toMatchObject({ name: 'AbortError' })
    expect(calls).toHaveLength(1) // no DELETE without an id

    const caller = new AbortController()
    const aborted = collect(openStream<Progress>('/api/demo', { rows: 1 }, { fetch, signal: caller.signal }))
    caller.abort()
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' })
  })
})
