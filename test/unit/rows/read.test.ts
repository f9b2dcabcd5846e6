import { describe, expect, it } from 'vitest'
import { isAppError } from '@/lib/errors'
import { JsonNumber, type Row, type RowsFormat } from '@/lib/rows/row'
import { BodyRows } from '@/lib/rows/read'

/** A body that delivers `bytes` in the given pieces, as a network would. */
function body(bytes: Uint8Array, cuts: number[]): ReadableStream<Uint8Array> {
  const points = [0, ...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length]
  let i = 0
  return new ReadableStream({
    pull(controller) {
      if (i + 1 >= points.length) return controller.close()
      controller.enqueue(bytes.slice(points[i], points[i + 1]))
      i++
    },
  })
}

async function readAll(
  stream: ReadableStream<Uint8Array> | null,
  format: RowsFormat,
  maxBytes = 1 << 20,
): Promise<Array<Record<string, unknown>>> {
  const rows = new BodyRows(stream, { format, maxBytes })
  const out: Row[] = []
  while (!rows.done) out.push(...(await rows.next()))
  return out.map((row) => Object.fromEntries([...row].map(([k, v]) => [k, v instanceof JsonNumber ? Number(v.text) : v])))
}

async function refusal(run: Promise<unknown>): Promise<string> {
  try {
    await run
  } catch (error) {
    if (isAppError(error)) return error.code
    throw error
  }
  return 'accepted'
}

const ROWS = [
  { name: 'Zoë 🚀', city: '東京', note: 'say "hi", then\nleave' },
  { name: '€uro', city: 'Zürich', note: '' },
  { name: '𝄞', city: 'Ελλάδα', note: 'x' },
]

describe('BodyRows', () => {
  it('puts back together characters cut between network chunks at any byte', async () => {
    const bytes = new TextEncoder().encode('\uFEFF' + ROWS.map((r) => JSON.stringify(r)).join('\n'))
    let state = 7
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let run = 0; run < 100; run++) {
      const cuts = Array.from({ length: 1 + Math.floor(random() * 12) }, () => Math.floor(random() * bytes.length))
      expect(await readAll(body(bytes, cuts), 'ndjson'), `cuts ${cuts}`).toEqual(ROWS)
    }
    for (let cut = 1; cut < bytes.length; cut++) expect(await readAll(body(bytes, [cut]), 'ndjson')).toEqual(ROWS)
    expect(await readAll(new Response(JSON.stringify(ROWS)).body, 'json')).toEqual(ROWS)
  })

  it('reads the body only when asked, one chunk at a time', async () => {
    let pulled = 0
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled++
          controller.enqueue(new TextEncoder().encode(`{"n":${pulled}}\n`))
          if (pulled === 5) controller.close()
        },
      },
      { highWaterMark: 0 },
    )
    const rows = new BodyRows(stream, { format: 'ndjson', maxBytes: 1000 })
    expect(pulled).toBe(0)
    expect(await rows.next()).toHaveLength(1)
    expect(pulled).toBe(1)
  })

  it('refuses a body over the limit, bytes that are not UTF-8, and a body cut off', async () => {
    const text = JSON.stringify(ROWS)
    const size = new TextEncoder().encode(text).length
    expect(await readAll(new Response(text).body, 'json', size)).toEqual(ROWS)
    expect(await refusal(readAll(new Response(text).body, 'json', size - 1))).toBe('too_large:body')
    expect(
      await refusal(readAll(new Response(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])).body, 'ndjson')),
    ).toBe('bad_request:encoding')
    expect(await refusal(readAll(new Response(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe2, 0x82])).body, 'ndjson'))).toBe(
      'bad_request:encoding',
    )
    const cut = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"a":1}\n'))
      },
      pull(controller) {
        controller.error(new Error('socket hang up'))
      },
    })
    expect(await refusal(readAll(cut, 'ndjson'))).toBe('bad_request:aborted')
  })

  it('after a refusal, reads and drops the rest of the body (past the limit too), and stops quietly when the client goes away', async () => {
    let pulled = 0
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled++
          if (pulled === 1) controller.enqueue(new TextEncoder().encode('{"a":{}}\n'))
          else if (pulled <= 30) controller.enqueue(new Uint8Array(100).fill(0x0a))
          else controller.error(new Error('socket hang up'))
        },
      },
      { highWaterMark: 0 },
    )
    const rows = new BodyRows(stream, { format: 'ndjson', maxBytes: 1000 })
    expect(await refusal(rows.next())).toBe('bad_request:rows')
    await rows.discardRest()
    expect(pulled).toBe(31)
    expect(rows.bytes).toBe(9 + 29 * 100)
  })

  it('treats a missing body as an empty one', async () => {
    expect(await readAll(null, 'ndjson')).toEqual([])
    expect(await refusal(readAll(null, 'json'))).toBe('bad_request:rows')
  })
})
