import { describe, expect, test, vi } from 'vitest'
import { sseRead } from '@/lib/durable/protocol-sse'
import { parkedReaders } from '@/lib/durable/tail'
import { tempStore } from './temp-store'

// `live=sse` readers at the tail are handed each append by the stream's shared follower and send
// it beside the pull (`SseAside`): every event still arrives exactly once and in order, also for
// a reader that stops reading for a while (it is then unparked and catches up by itself).

const store = tempStore('sse-tail')

const bytes = (text: string) => new TextEncoder().encode(text)

/** A `live=sse` reader of `p` from the start, through the Web stream (the App Router's way). */
async function sseReader(p: string) {
  const abort = new AbortController()
  const url = new URL(`http://localhost/v1/stream/${p}?offset=-1&live=sse`)
  // Held for the reader's life, as a server holds the request it answers (`request.signal` follows
  // `abort.signal` only while the Request lives: see `nodeRoute`).
  const request = new Request(url, { signal: abort.signal })
  const response = await sseRead({ request, url, path: p, store: store(), body: null }, { kind: 'start' })
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  let text = ''
  return {
    abort,
    request,
    /** Reads until `predicate` holds for what has arrived. */
    async until(predicate: (text: string) => boolean) {
      while (!predicate(text)) {
        const { value, done } = await reader.read()
        if (done) throw new Error(`ended early after ${JSON.stringify(text)}`)
        text += value
      }
    },
    data: () => [...text.matchAll(/^event: data\ndata:(.*)$/gm)].map((m) => m[1]),
  }
}

/** A text stream `p` with three `live=sse` readers parked at its tail. */
async function threeParked(p: string) {
  await store().create(p, { contentType: 'text/plain', expiry: { kind: 'none' } })
  const readers = await Promise.all([sseReader(p), sseReader(p), sseReader(p)])
  await Promise.all(readers.map((r) => r.until((t) => t.includes('"upToDate":true'))))
  const found = await store().lookup(p)
  if (found.state !== 'live') throw new Error(found.state)
  await vi.waitFor(() => expect(parkedReaders(store(), found.meta)).toBe(3))
  return { readers, found }
}

describe('live=sse readers parked at the tail', () => {
  test('each event arrives once and in order, for readers that keep up and for one that stops reading a while', async () => {
    const p = 'sse/tail'
    const { readers, found } = await threeParked(p)

    const [slow, ...keeping] = readers as [Awaited<ReturnType<typeof sseReader>>, ...Awaited<ReturnType<typeof sseReader>>[]]
    const sent: string[] = []
    for (let i = 0; i < 40; i++) {
      sent.push(`e${i}`)
      await store().append(p, { data: bytes(`e${i}`) })
      await Promise.all(keeping.map((r) => r.until((t) => t.includes(`data:e${i}\n`))))
    }
    for (const r of keeping) expect(r.data()).toEqual(sent)
    // What is sent aside is bounded: the reader that does not read was unparked, not queued without end.
    expect(parkedReaders(store(), found.meta)).toBe(2)
    // The slow reader read nothing during the appends: it got what its queue could hold aside, was
    // unparked, and now reads the rest by itself.
    await slow.until((t) => t.includes('data:e39\n'))
    expect(slow.data()).toEqual(sent)
    await vi.waitFor(() => expect(parkedReaders(store(), found.meta)).toBe(3)) // all back at the tail
    for (const r of readers) r.abort.abort()
    await vi.waitFor(() => expect(parkedReaders(store(), found.meta)).toBe(0))
  })

  test('readers at the tail share one frame per append, and a character split across two appends still arrives whole', async () => {
    const p = 'sse/shared-frame'
    const { readers, found } = await threeParked(p)

    // Bytes are framed (encoded) once for the three readers, not once each.
    const whole = bytes('one')
    const encode = vi.spyOn(TextEncoder.prototype, 'encode')
    try {
      await store().append(p, { data: whole })
      await Promise.all(readers.map((r) => r.until((t) => t.includes('data:one\n'))))
      expect(encode).toHaveBeenCalledTimes(1)
    } finally {
      encode.mockRestore()
    }
    // 'é' is two bytes: each reader's decoder carries the first to the next append, so that
    // append is not one frame for all (it would read as a lone continuation byte).
    const [first, second] = [new Uint8Array([0xc3]), new Uint8Array([0xa9, 0x21])]
    await store().append(p, { data: first })
    await Promise.all(readers.map((r) => r.until(() => r.data().length === 2))) // an empty event: the decoder holds the byte
    await store().append(p, { data: second })
    await Promise.all(readers.map((r) => r.until((t) => t.includes('!\n'))))
    for (const r of readers) expect(r.data()).toEqual(['one', '', 'é!'])
    await store().append(p, { data: bytes('two') }) // whole again: shared again, and right
    await Promise.all(readers.map((r) => r.until((t) => t.includes('data:two\n'))))
    for (const r of readers) expect(r.data()).toEqual(['one', '', 'é!', 'two'])
    for (const r of readers) r.abort.abort()
    await vi.waitFor(() => expect(parkedReaders(store(), found.meta)).toBe(0))
  })
})
