import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider'
import { MockLanguageModelV4 } from 'ai/test'
import { describe, expect, it } from 'vitest'
import { OfflineLanguageModel } from '@/lib/ai/offline/model'
import { answerStream, defineAnswerStream } from '@/lib/typed/endpoints/answer'
import type { StreamFrame } from '@/lib/typed/frames'
import { silentLogger } from '@/lib/typed/logger'
import { startStream } from '@/lib/typed/run'
import { collectFrames } from '@/lib/typed/testing'

const offline = defineAnswerStream(() => ({ model: new OfflineLanguageModel({ tokenMs: 0 }), info: { label: 'offline, no delay' } }))

function chunks(frames: StreamFrame<unknown, unknown>[]) {
  return frames.flatMap((f) => (f.type === 'chunk' ? [f.data as { kind: string; delta: string }] : []))
}

describe('answer stream', () => {
  it('streams the tokens as chunks, then the text, finish reason, usage and model', async () => {
    const frames = await collectFrames(offline, { prompt: 'What is a stream?' })
    expect(frames[0]?.type).toBe('start')
    expect(frames.at(-1)?.type).toBe('complete')
    const text = chunks(frames)
    expect(text.length).toBeGreaterThan(5) // token by token, not one piece
    expect(text.every((c) => c.kind === 'text')).toBe(true) // reasoning is off by default
    const final = frames.at(-1)!.data as { text: string; finishReason: string; usage: Record<string, number>; model: string }
    expect(final.text).toBe(text.map((c) => c.delta).join(''))
    expect(final.finishReason).toBe('stop')
    expect(final.model).toBe('offline, no delay')
    expect(final.usage.outputTokens).toBeGreaterThan(0)
    expect(final.usage.totalTokens).toBe(final.usage.inputTokens! + final.usage.outputTokens!)
  })

  it('streams the reasoning first when asked', async () => {
    const kinds = chunks(await collectFrames(offline, { prompt: 'Hello', reasoning: true })).map((c) => c.kind)
    expect(kinds[0]).toBe('reasoning')
    expect(kinds.at(-1)).toBe('text')
    expect(kinds.indexOf('text')).toBe(kinds.lastIndexOf('reasoning') + 1)
  })

  it('refuses an empty prompt and a limit out of range (the route answers 400)', () => {
    expect(answerStream.input.safeParse({ prompt: '   ' }).success).toBe(false)
    expect(answerStream.input.safeParse({ prompt: 'hi', maxOutputTokens: 0 }).success).toBe(false)
    expect(answerStream.input.parse({ prompt: ' hi ' })).toEqual({ prompt: 'hi', reasoning: false, maxOutputTokens: 800 })
  })

  it('ends with the model error in the app’s shape', async () => {
    const frames = await collectFrames(offline, { prompt: '/fail 429' })
    expect(frames.at(-1)).toMatchObject({ type: 'error', data: { code: 'rate_limited:model' } })
  })

  it('a cancel aborts the model call, and the cancel frame carries the answer so far', async () => {
    let call: LanguageModelV4CallOptions | undefined
    const model = new MockLanguageModelV4({
      doStream: async (options) => {
        call = options
        // One token, then nothing until the call is aborted (as a slow provider).
        const stream = new ReadableStream<LanguageModelV4StreamPart>({
          start(controller) {
            controller.enqueue({ type: 'stream-start', warnings: [] })
            controller.enqueue({ type: 'text-start', id: 't' })
            controller.enqueue({ type: 'text-delta', id: 't', delta: 'Partial' })
            options.abortSignal?.addEventListener('abort', () => controller.error(options.abortSignal!.reason), { once: true })
          },
        })
        return { stream }
      },
    })
    const definition = defineAnswerStream(() => ({ model, info: { label: 'mock' } }))
    const run = startStream(definition, definition.input.parse({ prompt: 'slow' }), {
      request: new Request('http://localhost/'),
      logger: silentLogger,
      validate: true,
    })
    const frames: StreamFrame<unknown, unknown>[] = []
    for await (const frame of run.frames) {
      frames.push(frame)
      if (frame.type === 'chunk') {
        expect(call?.abortSignal?.aborted).toBe(false)
        run.cancel('requested')
      }
    }
    expect(call?.abortSignal?.aborted).toBe(true)
    expect(frames.at(-1)).toMatchObject({
      type: 'cancel',
      data: { reason: 'requested', final: { text: 'Partial', finishReason: 'cancelled', usage: {} } },
    })
  })
})
