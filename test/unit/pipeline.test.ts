import { describe, expect, it } from 'vitest'
import { transformPipeline } from '@/lib/pipeline'
import { readLines } from '@/lib/stream/client'

async function run(body: string | ReadableStream<Uint8Array>, options: { filter?: string; upper?: boolean; maxBytes?: number } = {}) {
  const stream = typeof body === 'string' ? new Response(body).body! : body
  const out = transformPipeline(stream, { filter: options.filter ?? '', upper: options.upper ?? false, maxBytes: options.maxBytes ?? 1e9 })
  const records: unknown[] = []
  for await (const line of readLines(out)) records.push(JSON.parse(line))
  return records
}

describe('transformPipeline', () => {
  it('numbers, filters and enriches lines, then summarises', async () => {
    const records = await run('alpha beta\n\nGamma delta epsilon\r\nbeta again', { filter: 'BETA' })
    expect(records).toEqual([
      { type: 'line', n: 1, text: 'alpha beta', words: 2, chars: 10, bytesIn: 43 },
      { type: 'line', n: 4, text: 'beta again', words: 2, chars: 10, bytesIn: 43 },
      { type: 'summary', linesIn: 4, linesOut: 2, bytesIn: 43, words: 4 },
    ])
  })

  it('upper-cases and counts characters, not bytes', async () => {
    const records = await run('grüße 🌊\n', { upper: true })
    expect(records[0]).toEqual({ type: 'line', n: 1, text: 'GRÜSSE 🌊', words: 2, chars: 7, bytesIn: 13 })
  })

  it('ends with an error record once the byte limit is passed', async () => {
    const records = await run('x'.repeat(100) + '\n' + 'y'.repeat(100), { maxBytes: 150 })
    expect(records.at(-1)).toEqual({ type: 'error', error: { code: 'too_large:body', message: 'The body is over the limit of 150 bytes' } })
  })

  it('emits the first record before the body has ended', async () => {
    let push!: (s: string) => void
    let end!: () => void
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (s) => controller.enqueue(new TextEncoder().encode(s))
        end = () => controller.close()
      },
    })
    const out = transformPipeline(body, { filter: '', upper: false, maxBytes: 1e9 })
    const lines = readLines(out)
    push('first line\nsecond')
    const first = await lines.next()
    expect(JSON.parse(first.value!)).toMatchObject({ type: 'line', n: 1, text: 'first line', bytesIn: 17 })
    push(' half\n')
    end()
    const rest: unknown[] = []
    for await (const l of lines) rest.push(JSON.parse(l))
    expect(rest[0]).toMatchObject({ n: 2, text: 'second half' })
  })
})
