import { describe, expect, it, vi } from 'vitest'
import { readLines, readSse, readText, type SseEvent } from '@/lib/stream/client'

/** A byte stream delivering `bytes` cut at the given offsets (which may split multibyte characters). */
function chunked(bytes: Uint8Array, cuts: number[]): ReadableStream<Uint8Array> {
  const points = [0, ...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length]
  let i = 0
  return new ReadableStream({
    pull(controller) {
      if (i >= points.length - 1) return controller.close()
      controller.enqueue(bytes.slice(points[i], points[i + 1]))
      i++
    },
  })
}

/** A seeded generator, so a failing split can be reproduced. */
function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed / 2 ** 31
  }
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<SseEvent[]> {
  const events: SseEvent[] = []
  for await (const e of readSse(stream)) events.push(e)
  return events
}

const wire =
  '\uFEFF: comment\r\n' +
  'retry: 1000\r\n\r\n' +
  'id: 1\r\nevent: greet\r\ndata: héllo wörld 🌊\r\n\r\n' +
  'id: 2\ndata: line one\ndata: line two\n\n' +
  'data: 中文 and emoji 👩‍👩‍👧\r\rdata:no-space\n\n'

const expected: SseEvent[] = [
  { event: 'greet', id: '1', data: 'héllo wörld 🌊' },
  { event: 'message', id: '2', data: 'line one\nline two' },
  { event: 'message', id: '2', data: '中文 and emoji 👩‍👩‍👧' },
  { event: 'message', id: '2', data: 'no-space' },
]

describe('readSse', () => {
  const bytes = new TextEncoder().encode(wire)

  it('parses events with a BOM, CRLF, CR and LF line endings and multi-line data', async () => {
    expect(await collect(chunked(bytes, []))).toEqual(expected)
  })

  it('gives the same events whatever the chunk boundaries (every single-byte split)', async () => {
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await collect(chunked(bytes, [cut]))).toEqual(expected)
    }
  })

  it('gives the same events for random multi-point splits, including inside multibyte characters', async () => {
    const rand = random(42)
    for (let round = 0; round < 200; round++) {
      const cuts = Array.from({ length: 1 + Math.floor(rand() * 12) }, () => Math.floor(rand() * bytes.length))
      expect(await collect(chunked(bytes, cuts))).toEqual(expected)
    }
  })

  it('reads a fetch Response and stops reading when the loop breaks', async () => {
    let cancelled = false
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('data: tick\n\n'))
      },
      cancel() {
        cancelled = true
      },
    })
    let n = 0
    for await (const event of readSse(new Response(body))) {
      expect(event.data).toBe('tick')
      if (++n === 3) break
    }
    // Cancellation travels back through the decoding pipes to the body.
    await vi.waitFor(() => expect(cancelled).toBe(true))
  })
})

describe('readText and readLines', () => {
  const text = 'ä🌊b\nsecond\r\nthird\rlast'
  const bytes = new TextEncoder().encode(text)

  it('decodes multibyte text split anywhere', async () => {
    for (let cut = 1; cut < bytes.length; cut++) {
      let out = ''
      for await (const t of readText(chunked(bytes, [cut]))) out += t
      expect(out).toBe(text)
    }
  })

  it('splits lines on LF, CRLF and CR, also when CRLF is split across chunks', async () => {
    for (let cut = 1; cut < bytes.length; cut++) {
      const lines: string[] = []
      for await (const l of readLines(chunked(bytes, [cut]))) lines.push(l)
      expect(lines).toEqual(['ä🌊b', 'second', 'third', 'last'])
    }
  })
})
