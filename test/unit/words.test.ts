import { describe, expect, it } from 'vitest'
import { GET } from '@/app/api/words/route'
import { wordsQuery } from '@/app/api/words/schema'
import { words } from '@/lib/words'

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = []
  for await (const item of iterable) out.push(item)
  return out
}

const now = () => performance.timeOrigin + performance.now()

describe('words', () => {
  it('yields the passage token by token, repeating it when count runs past its end', async () => {
    const tokens = await collect(words({ count: 3, delayMs: 0 }))
    expect(tokens).toEqual(['A ', 'streaming ', 'route '])
    const many = await collect(words({ count: 200, delayMs: 0 }))
    expect(many).toHaveLength(200)
    const again = many.indexOf('A ', 1)
    expect(again).toBeGreaterThan(0)
    expect(many.slice(again, again + 3)).toEqual(tokens)
  })

  it('with stamp, follows each token with "@<production time in epoch ms>\\n", in order', async () => {
    const before = now()
    const tokens = await collect(words({ count: 4, delayMs: 1, stamp: true }))
    const after = now()
    const parsed = tokens.map((t) => /^([^@\n]+)@(\d+\.\d{3})\n$/.exec(t))
    expect(parsed.map((m) => m?.[1])).toEqual(['A ', 'streaming ', 'route ', 'handler '])
    const times = parsed.map((m) => Number(m?.[2]))
    // Rounded to 3 decimals, so allow a microsecond either side of the clock readings.
    expect(times[0]).toBeGreaterThanOrEqual(before - 0.001)
    expect(times[3]).toBeLessThanOrEqual(after + 0.001)
    expect([...times].sort((a, b) => a - b)).toEqual(times)
  })
})

describe('wordsQuery', () => {
  it('leaves stamp off unless asked, and accepts 1/true/0/false', () => {
    expect(wordsQuery.parse({})).toEqual({ count: 40, delay: 150, stamp: false })
    expect(wordsQuery.parse({ stamp: '1' }).stamp).toBe(true)
    expect(wordsQuery.parse({ stamp: 'true' }).stamp).toBe(true)
    expect(wordsQuery.parse({ stamp: '0' }).stamp).toBe(false)
    expect(wordsQuery.parse({ stamp: 'false' }).stamp).toBe(false)
  })

  it('refuses any other stamp value', () => {
    expect(wordsQuery.safeParse({ stamp: 'yes' }).success).toBe(false)
  })
})

describe('GET /api/words', () => {
  const get = (query: string) => GET(new Request(`http://localhost/api/words?${query}`), undefined)

  it('stamps each token when asked with stamp=1', async () => {
    const res = await get('count=3&delay=0&stamp=1')
    expect(res.status).toBe(200)
    const lines = (await res.text()).split('\n')
    expect(lines.pop()).toBe('')
    expect(lines.map((l) => l.replace(/@\d+\.\d{3}$/, ''))).toEqual(['A ', 'streaming ', 'route '])
  })

  it('sends the bare tokens by default', async () => {
    expect(await (await get('count=3&delay=0')).text()).toBe('A streaming route ')
  })

  it('answers 400 for a bad stamp value', async () => {
    const res = await get('stamp=2')
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request:query')
  })
})
