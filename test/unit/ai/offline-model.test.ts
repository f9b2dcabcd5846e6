import { APICallError } from '@ai-sdk/provider'
import { isStepCount, streamText, type TextStreamPart, type ToolSet } from 'ai'
import { describe, expect, it } from 'vitest'
import { OfflineLanguageModel } from '@/lib/ai/offline/model'
import { detectIntents } from '@/lib/ai/offline/intents'
import { tokenize } from '@/lib/ai/offline/text'
import { chatTools } from '@/lib/ai/tools'

const model = () => new OfflineLanguageModel({ tokenMs: 0 })
const { currentTime, calculate } = chatTools({ search: async (query) => ({ query, total: 0, hits: [] }) })

async function run(prompt: string, options: { tools?: ToolSet; abortAfterTextDeltas?: number } = {}) {
  const abort = new AbortController()
  const result = streamText({
    model: model(),
    prompt,
    tools: options.tools,
    stopWhen: isStepCount(5),
    maxRetries: 0,
    abortSignal: abort.signal,
  })
  const parts: TextStreamPart<ToolSet>[] = []
  let deltas = 0
  for await (const part of result.stream) {
    parts.push(part)
    if (part.type === 'text-delta' && ++deltas === options.abortAfterTextDeltas) abort.abort()
  }
  const text = parts.flatMap((p) => (p.type === 'text-delta' ? [p.text] : [])).join('')
  return { parts, text, types: parts.map((p) => p.type) }
}

describe('offline model: text', () => {
  it('tokenizes losslessly into word-sized pieces', () => {
    const text = 'Hello,  wörld! It’s 3.5 — ok?\n\nNew line 日本 '
    const tokens = tokenize(text)
    expect(tokens.join('')).toBe(text)
    expect(tokens.slice(0, 4)).toEqual(['Hello', ',', '  wörld', '!'])
  })

  it('streams reasoning, then the answer token by token', async () => {
    const { parts, text, types } = await run('Tell me about backpressure')
    expect(types.indexOf('reasoning-delta')).toBeGreaterThan(-1)
    expect(types.indexOf('reasoning-delta')).toBeLessThan(types.indexOf('text-delta'))
    expect(parts.filter((p) => p.type === 'text-delta').length).toBeGreaterThan(40)
    expect(text.split(/(?<=\.) /).length).toBe(6) // an opening and five sentences
    expect(types.at(-1)).toBe('finish')
  })

  it('is deterministic for a conversation and differs between conversations', async () => {
    const a = await run('Tell me about backpressure')
    const b = await run('Tell me about backpressure')
    const c = await run('Tell me about heartbeats')
    expect(b.text).toBe(a.text)
    expect(c.text).not.toBe(a.text)
  })

  it('writes more than twice as much when asked for a long answer', async () => {
    const short = await run('Tell me about streams')
    const long = await run('Tell me a long story about streams')
    expect(long.text.length).toBeGreaterThan(short.text.length * 2)
  })
})

describe('offline model: tools', () => {
  it('finds tool requests in the order they are written', () => {
    expect(detectIntents('What is 12 * (3 + 4), and what time is it in New York?')).toMatchObject([
      { tool: 'calculate', input: { expression: '12 * (3 + 4)' } },
      { tool: 'currentTime', input: { timeZone: 'America/New_York' } },
    ])
    expect(detectIntents('what is 6 times 7')).toMatchObject([{ tool: 'calculate', input: { expression: '6  *  7' } }])
    expect(detectIntents('search for "durable streams" in my chats')).toMatchObject([
      { tool: 'searchData', input: { query: 'durable streams' } },
    ])
    expect(detectIntents('Tell me about 2024')).toEqual([])
  })

  it('calls a tool, streams its input, reads the result and continues (multi-step)', async () => {
    const { parts, text, types } = await run('What time is it in Tokyo, and what is 12*(3+4)?', { tools: { currentTime, calculate } })
    const calls = parts.filter((p) => p.type === 'tool-call')
    expect(calls.map((c) => [c.toolName, c.input])).toEqual([
      ['currentTime', { timeZone: 'Asia/Tokyo' }],
      ['calculate', { expression: '12*(3+4)' }],
    ])
    expect(types.filter((t) => t === 'tool-input-delta').length).toBeGreaterThan(2)
    const results = parts.filter((p) => p.type === 'tool-result')
    expect(results.map((r) => r.output)).toMatchObject([{ timeZone: 'Asia/Tokyo', utcOffset: '+09:00' }, { result: '84' }])
    expect(types.filter((t) => t === 'start-step')).toHaveLength(3)
    expect(text).toContain('In Asia/Tokyo it is ')
    expect(text).toContain('12*(3+4) = 84.')
  })

  it('reports a failing tool instead of inventing a result', async () => {
    const { parts, text } = await run('what is 1/0', { tools: { calculate } })
    expect(parts.find((p) => p.type === 'tool-error')).toMatchObject({ toolName: 'calculate' })
    expect(text).toContain('The calculate tool failed: Division by zero. ')
  })

  it('answers without tools when none are offered', async () => {
    const { types } = await run('What time is it in Tokyo?')
    expect(types).not.toContain('tool-call')
  })
})

describe('offline model: abort and failures', () => {
  it('stops producing as soon as the abort signal fires', async () => {
    const abort = new AbortController()
    const { stream } = await model().doStream({
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }],
      abortSignal: abort.signal,
    })
    const reader = stream.getReader()
    let read = 0
    for (;;) {
      const { value, done } = await reader.read()
      if (done) throw new Error('the stream ended before its third text delta')
      if (value.type === 'text-delta' && ++read === 3) break
    }
    abort.abort(new DOMException('stopped', 'AbortError'))
    // At most the one part already queued (highWaterMark 1) arrives; then the abort reason.
    const rest: string[] = []
    await expect(
      (async () => {
        for (;;) {
          const { value, done } = await reader.read()
          if (done) return
          rest.push(value.type)
        }
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' })
    expect(rest.length).toBeLessThanOrEqual(1)
  })

  it('keeps the partial answer when streamText is aborted', async () => {
    const { text, types } = await run('Tell me a long story', { abortAfterTextDeltas: 5 })
    expect(types).toContain('abort')
    expect(text.length).toBeGreaterThan(0)
    expect(types).not.toContain('finish')
  })

  it.each([401, 429, 500, 503])('/fail %i fails like a provider with that status', async (status) => {
    const call = model().doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: `/fail ${status}` }] }] })
    await expect(call).rejects.toSatisfy((e) => APICallError.isInstance(e) && e.statusCode === status)
  })

  it('/fail midstream breaks the stream after a few tokens', async () => {
    // Like a provider's dropped connection: the stream itself errors, after some text was streamed.
    const parts: string[] = []
    const result = streamText({ model: model(), prompt: '/fail midstream', maxRetries: 0 })
    await expect(
      (async () => {
        for await (const part of result.stream) if (part.type === 'text-delta') parts.push(part.text)
      })(),
    ).rejects.toThrow(/mid-stream/)
    expect(parts).toHaveLength(12)
  })
})
