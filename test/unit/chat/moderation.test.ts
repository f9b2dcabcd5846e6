import { streamText } from 'ai'
import { MockLanguageModelV4 } from 'ai/test'
import { describe, expect, it } from 'vitest'
import { OfflineLanguageModel } from '@/lib/ai/offline/model'
import { modelJudge, moderateText, ruleJudge, splitSentences, type FilteredSentence } from '@/lib/chat/moderation'

describe('splitSentences', () => {
  it('splits complete sentences and keeps the unfinished rest', () => {
    expect(splitSentences('One. Two! Three? Fou')).toEqual({ sentences: ['One. ', 'Two! ', 'Three? '], rest: 'Fou' })
    expect(splitSentences('He said “stop.” Then left')).toEqual({ sentences: ['He said “stop.” '], rest: 'Then left' })
    expect(splitSentences('Line one\nLine two')).toEqual({ sentences: ['Line one\n'], rest: 'Line two' })
  })
  it('waits when a final dot might be a decimal point', () => {
    expect(splitSentences('It costs 3.')).toEqual({ sentences: [], rest: 'It costs 3.' })
    expect(splitSentences('It costs 3.5 now. ')).toEqual({ sentences: ['It costs 3.5 now. '], rest: '' })
  })
})

describe('ruleJudge', () => {
  it.each([
    ['My card is 4111 1111 1111 1111.', 'payment card number'],
    ['Use sk-abcdefghijklmnop1234 for it.', 'secret key or credential'],
    ['password: hunter2', 'secret key or credential'],
    ["I'll hurt you.", 'threat of violence'],
  ])('refuses %j (%s)', async (sentence, reason) => {
    expect(await ruleJudge(sentence)).toEqual({ safe: false, reason })
  })
  it.each(['Call 4111 1111 1111 1112 maybe.', 'Streams kill latency.', 'The year 2024 was long.'])('allows %j', async (sentence) => {
    expect(await ruleJudge(sentence)).toEqual({ safe: true })
  })
})

async function moderatedRun(prompt: string) {
  const filtered: FilteredSentence[] = []
  const result = streamText({
    model: new OfflineLanguageModel({ tokenMs: 0 }),
    prompt,
    experimental_transform: moderateText(ruleJudge, { onFiltered: (f) => filtered.push(f) }),
  })
  const deltas: string[] = []
  for await (const part of result.stream) if (part.type === 'text-delta') deltas.push(part.text)
  return { deltas, text: deltas.join(''), filtered }
}

describe('moderateText', () => {
  it('releases text sentence by sentence and replaces what the judge refuses', async () => {
    const { deltas, text, filtered } = await moderatedRun('Repeat after me: Hello there. My card is 4111 1111 1111 1111. Bye now')
    expect(text).toBe('Hello there. [Content filtered] Bye now')
    expect(deltas).toEqual(['Hello there. ', '[Content filtered] ', 'Bye now'])
    expect(filtered).toEqual([{ sentence: 'My card is 4111 1111 1111 1111.', reason: 'payment card number' }])
  })

  it('leaves safe answers intact', async () => {
    const plain = streamText({ model: new OfflineLanguageModel({ tokenMs: 0 }), prompt: 'Tell me about streams' })
    const { text, filtered } = await moderatedRun('Tell me about streams')
    expect(text).toBe(await plain.text)
    expect(filtered).toEqual([])
  })

  it('asks a model with a schema when one judges, and fails closed when it cannot', async () => {
    const judgeModel = new MockLanguageModelV4({
      doGenerate: async ({ prompt }) => {
        const text = JSON.stringify(prompt)
        const verdict = text.includes('forbidden') ? { safe: false, reason: 'forbidden word' } : { safe: true }
        return {
          content: [{ type: 'text', text: JSON.stringify(verdict) }],
          finishReason: { unified: 'stop', raw: undefined },
          usage: { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } },
          warnings: [],
        }
      },
    })
    const judge = modelJudge(judgeModel)
    expect(await judge('A fine sentence.')).toEqual({ safe: true })
    expect(await judge('A forbidden sentence.')).toEqual({ safe: false, reason: 'forbidden word' })
    expect(judgeModel.doGenerateCalls[0]!.responseFormat).toMatchObject({ type: 'json', schema: { type: 'object' } })
    const broken = modelJudge(new MockLanguageModelV4({ doGenerate: async () => Promise.reject(new Error('down')) }))
    expect(await broken('Anything.')).toEqual({ safe: false, reason: 'the moderation judge failed' })
  })
})
