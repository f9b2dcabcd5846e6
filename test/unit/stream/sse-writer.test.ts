import { describe, expect, it } from 'vitest'
import { deferred } from '@/lib/async'
import { AppError } from '@/lib/errors'
import { formatSse, sseResponse, sseStream, withHeartbeats } from '@/lib/stream/sse'

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text()
}

describe('formatSse', () => {
  it('writes event, id, retry and data fields, ending with a blank line', () => {
    expect(formatSse({ event: 'tick', id: 7, retry: 2000, data: 'hello' })).toBe('event: tick\nid: 7\nretry: 2000\ndata: hello\n\n')
  })

  it('splits multi-line data into several data lines, whatever the line ending', () => {
    expect(formatSse({ data: 'one\ntwo\r\nthree\rfour' })).toBe('data: one\ndata: two\ndata: three\ndata: four\n\n')
  })

  it('keeps empty lines of data as empty data lines', () => {
    expect(formatSse({ data: 'a\n\nb' })).toBe('data: a\ndata: \ndata: b\n\n')
  })

  it('sends unicode as is', () => {
    expect(formatSse({ data: 'ünïcödé 🌊 中文' })).toBe('data: ünïcödé 🌊 中文\n\n')
  })

  it('sends non-string data as JSON', () => {
    expect(formatSse({ data: { a: 1, b: 'x' } })).toBe('data: {"a":1,"b":"x"}\n\n')
  })

  it('writes comments, one per line', () => {
    expect(formatSse({ comment: 'heartbeat' })).toBe(': heartbeat\n\n')
    expect(formatSse({ comment: 'a\nb' })).toBe(': a\n: b\n\n')
  })

  it('refuses ids and event names that would break the framing', () => {
    expect(() => formatSse({ id: 'a\nb' })).toThrow(TypeError)
    expect(() => formatSse({ id: 'a\0b' })).toThrow(TypeError)
    expect(() => formatSse({ event: 'x\ry' })).toThrow(TypeError)
    expect(() => formatSse({ retry: -1 })).toThrow(TypeError)
  })
})

describe('sseStream', () => {
  it('opens with retry and a comment, then events, then a final done event', async () => {
    const out = await text(
      sseStream(
        [
          { id: 1, data: 'a' },
          { id: 2, data: 'b' },
        ],
        { heartbeatMs: 0, retry: 500 },
      ),
    )
    expect(out).toBe('retry: 500\n\n: open\n\nid: 1\ndata: a\n\nid: 2\ndata: b\n\nevent: done\ndata: {}\n\n')
  })

  it('writes a batch of messages as one chunk, in order', async () => {
    const reader = sseStream(
      [
        [
          { event: 'data', data: 'a' },
          { event: 'control', data: { at: 1 } },
        ],
        { data: 'b' },
      ],
      {
        heartbeatMs: 0,
        done: false,
      },
    ).getReader()
    const chunks: string[] = []
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(new TextDecoder().decode(r.value))
    expect(chunks).toEqual([': open\n\n', 'event: data\ndata: a\n\nevent: control\ndata: {"at":1}\n\n', 'data: b\n\n'])
  })

  it('a waiting source may send events aside; they come in order, and heartbeats go on while it waits', async () => {
    const release = deferred()
    const stream = sseStream(
      async function* (signal, aside) {
        yield { data: 'pulled' }
        // Waiting for its next event, the source sends two aside, spaced out.
        const sending = (async () => {
          for (const data of ['aside 1', 'aside 2']) {
            await new Promise((r) => setTimeout(r, 5))
            expect(aside.ready()).toBe(true)
            aside.send([
              { event: 'data', data },
              { event: 'control', data: '{}' },
            ])
          }
        })()
        await release.promise
        await sending
        yield { data: 'pulled again' }
      },
      { heartbeatMs: 30, done: false },
    )
    const reading = text(stream)
    await new Promise((r) => setTimeout(r, 150))
    release.resolve()
    const out = await reading
    expect(out.indexOf('data: pulled\n')).toBeLessThan(out.indexOf('data: aside 1\n'))
    expect(out.indexOf('data: aside 1\n')).toBeLessThan(out.indexOf('data: aside 2\n'))
    expect(out.indexOf('data: aside 2\n')).toBeLessThan(out.indexOf('data: pulled again\n'))
    expect(out).toContain('event: data\ndata: aside 1\n\nevent: control\ndata: {}\n\n')
    // Sent aside, then quiet for ~140 ms at 30 ms heartbeats: the wait in progress still ends in heartbeats.
    const afterAside = out.slice(out.indexOf('data: aside 2\n'), out.indexOf('data: pulled again\n'))
    expect(afterAside.match(/: heartbeat\n\n/g)?.length ?? 0).toBeGreaterThanOrEqual(2)
  })

  it('omits the done event when asked (streams that should be resumed)', async () => {
    const out = await text(sseStream([{ data: 'a' }], { heartbeatMs: 0, done: false }))
    expect(out).toBe(': open\n\ndata: a\n\n')
  })

  it('sends heartbeat comments while the source is quiet', async () => {
    const release = deferred()
    const out = text(
      sseStream(
        (async function* () {
          await release.promise
          yield { data: 'late' }
        })(),
        { heartbeatMs: 10 },
      ),
    )
    await new Promise((r) => setTimeout(r, 80))
    release.resolve()
    const result = await out
    const beats = result.match(/: heartbeat\n\n/g)?.length ?? 0
    expect(beats).toBeGreaterThanOrEqual(2)
    expect(result.endsWith('data: late\n\nevent: done\ndata: {}\n\n')).toBe(true)
  })

  it('turns a source error into an error event in the app error shape', async () => {
    const out = await text(
      sseStream(
        (async function* () {
          yield { data: 'ok' }
          throw new AppError('conflict:demo', 'It broke')
        })(),
        { heartbeatMs: 0 },
      ),
    )
    expect(out).toContain('data: ok\n\n')
    expect(out).toContain('event: error\ndata: {"error":{"code":"conflict:demo","message":"It broke"}}\n\n')
    expect(out).not.toContain('event: done')
  })

  it('cancelling the stream runs the source clean-up, even while it waits', async () => {
    const cleaned = deferred()
    const stream = sseStream(
      async function* (signal) {
        try {
          yield { data: 'first' }
          await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
        } finally {
          cleaned.resolve()
        }
      },
      { heartbeatMs: 5 },
    )
    const reader = stream.getReader()
    await reader.read() // : open
    await reader.read() // first
    await reader.cancel()
    await cleaned.promise
  })
})

describe('sseResponse', () => {
  it('sets the headers that keep SSE unbuffered and uncached', () => {
    const res = sseResponse([], { heartbeatMs: 0 })
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform')
    expect(res.headers.get('x-accel-buffering')).toBe('no')
  })
})

describe('withHeartbeats', () => {
  const bytes = (s: string) => new TextEncoder().encode(s)
  /** A byte stream whose chunks are sent when the test says so. */
  function controlled() {
    let controller!: ReadableStreamDefaultController<Uint8Array>
    let cancelled: unknown = 'not cancelled'
    const stream = new ReadableStream<Uint8Array>({
      start: (c) => void (controller = c),
      cancel: (reason) => void (cancelled = reason),
    })
    return { stream, send: (s: string) => controller.enqueue(bytes(s)), end: () => controller.close(), cancelled: () => cancelled }
  }

  it('adds comments between events while quiet, never inside an event still arriving', async () => {
    const source = controlled()
    const reader = withHeartbeats(source.stream, { heartbeatMs: 5 }).getReader()
    const decoder = new TextDecoder()
    const next = async () => decoder.decode((await reader.read()).value)
    expect(await next()).toBe(': heartbeat\n\n') // quiet before the first event
    source.send('data: {"a":1}\n\n')
    expect(await next()).toBe('data: {"a":1}\n\n')
    expect(await next()).toBe(': heartbeat\n\n')
    source.send('data: {"b":') // half an event: no comment until it is complete
    expect(await next()).toBe('data: {"b":')
    await new Promise((r) => setTimeout(r, 40))
    source.send('2}\n')
    expect(await next()).toBe('2}\n')
    source.send('\n')
    expect(await next()).toBe('\n')
    expect(await next()).toBe(': heartbeat\n\n')
    source.end()
    let rest = ''
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += decoder.decode(r.value)
    expect(rest.replaceAll(': heartbeat\n\n', '')).toBe('')
  })

  it('passes the bytes through unchanged and cancels the source when cancelled', async () => {
    const source = controlled()
    const wrapped = withHeartbeats(source.stream, { heartbeatMs: 60_000 })
    source.send('data: x\n\n')
    const reader = wrapped.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: x\n\n')
    await reader.cancel('bye')
    await expect.poll(() => source.cancelled()).not.toBe('not cancelled')
  })
})
