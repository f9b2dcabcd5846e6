import { APICallError, RetryError, type UIMessageChunk } from 'ai'
import { describe, expect, it } from 'vitest'
import { modelError, modelErrorText } from '@/lib/ai/errors'
import { nextMessages } from '@/lib/chat/conversation'
import { settle } from '@/lib/chat/recorder'
import { parseErrorText, type ChatMessage, type ChatMetadata } from '@/lib/chat/messages'
import { finalizeUIStream } from '@/lib/chat/ui-stream'

const user = (id: string, text = id): ChatMessage => ({ id, role: 'user', parts: [{ type: 'text', text }] })
const bot = (id: string, text = id): ChatMessage => ({ id, role: 'assistant', parts: [{ type: 'text', text }] })
const ids = (messages: ChatMessage[]) => messages.map((m) => m.id)

describe('nextMessages', () => {
  const stored = [user('u1'), bot('a1'), user('u2'), bot('a2')]
  it('appends a new user message', () => {
    expect(ids(nextMessages(stored, { trigger: 'submit-message', message: user('u3') }))).toEqual(['u1', 'a1', 'u2', 'a2', 'u3'])
  })
  it('replaces from an edited (or retried) user message on', () => {
    const next = nextMessages(stored, { trigger: 'submit-message', message: user('u2', 'edited') })
    expect(ids(next)).toEqual(['u1', 'a1', 'u2'])
    expect(next.at(-1)!.parts).toEqual([{ type: 'text', text: 'edited' }])
  })
  it('refuses to replace an assistant message with a user one', () => {
    expect(() => nextMessages(stored, { trigger: 'submit-message', message: user('x'), messageId: 'a1' })).toThrow(/not a user message/)
  })
  it('regenerates the last answer, or from a given message on', () => {
    expect(ids(nextMessages(stored, { trigger: 'regenerate-message' }))).toEqual(['u1', 'a1', 'u2'])
    expect(ids(nextMessages(stored, { trigger: 'regenerate-message', messageId: 'a1' }))).toEqual(['u1'])
    expect(ids(nextMessages(stored, { trigger: 'regenerate-message', messageId: 'u2' }))).toEqual(['u1', 'a1', 'u2'])
    expect(ids(nextMessages([user('u1')], { trigger: 'regenerate-message' }))).toEqual(['u1'])
  })
  it('refuses to regenerate without a user message, or from an unknown one', () => {
    expect(() => nextMessages([], { trigger: 'regenerate-message' })).toThrow(/no user message/)
    expect(() => nextMessages(stored, { trigger: 'regenerate-message', messageId: 'zz' })).toThrow(/No message zz/)
  })
})

describe('model errors', () => {
  const apiError = (statusCode: number) =>
    new APICallError({
      message: 'x',
      url: 'http://m',
      requestBodyValues: {},
      statusCode,
      responseBody: '{"error":{"message":"from provider"}}',
    })
  it.each([
    [401, 'unauthorized:model', 401],
    [429, 'rate_limited:model', 429],
    [500, 'unavailable:model', 503],
    [400, 'bad_request:model', 400],
  ])('%i becomes %s', (status, code, httpStatus) => {
    const error = modelError(apiError(status))
    expect(error.code).toBe(code)
    expect(error.status).toBe(httpStatus)
    expect(error.details).toEqual({ status, provider: 'from provider' })
  })
  it('looks through retries to the last error, and names broken streams', () => {
    expect(modelError(new RetryError({ message: 'r', reason: 'maxRetriesExceeded', errors: [apiError(500), apiError(429)] })).code).toBe(
      'rate_limited:model',
    )
    expect(modelError(new TypeError('terminated')).code).toBe('unavailable:model_stream')
    // The SDK reports a stream that failed after a 200 as an APICallError with that status.
    expect(modelError(apiError(200)).code).toBe('unavailable:model_stream')
  })
  it('round-trips through the text of an error chunk', () => {
    expect(parseErrorText(modelErrorText(apiError(429)))).toMatchObject({ code: 'rate_limited:model' })
    expect(parseErrorText('plain words')).toEqual({ code: 'internal:unknown', message: 'plain words' })
  })
})

describe('finalizeUIStream', () => {
  type Chunk = UIMessageChunk<ChatMetadata>
  async function collect(stream: ReadableStream<Chunk>) {
    const out: Chunk[] = []
    for await (const c of stream) out.push(c)
    return out
  }
  it('turns a thrown error into metadata plus an error chunk, keeping what came before', async () => {
    const source = new ReadableStream<Chunk>({
      start(c) {
        c.enqueue({ type: 'text-delta', id: 't', delta: 'partial' })
      },
      pull(c) {
        c.error(new TypeError('terminated'))
      },
    })
    const out = await collect(finalizeUIStream(source, modelErrorText))
    expect(out.map((c) => c.type)).toEqual(['text-delta', 'message-metadata', 'error'])
    expect(out[1]).toMatchObject({ messageMetadata: { error: { code: 'unavailable:model_stream' } } })
  })
  it('marks aborts and error chunks in the metadata first', async () => {
    const chunks: Chunk[] = [{ type: 'error', errorText: modelErrorText(new TypeError('x')) }, { type: 'abort' }]
    const out = await collect(
      finalizeUIStream(new ReadableStream({ start: (c) => (chunks.forEach((x) => c.enqueue(x)), c.close()) }), modelErrorText),
    )
    expect(out.map((c) => (c.type === 'message-metadata' ? Object.keys(c.messageMetadata!)[0] : c.type))).toEqual([
      'error',
      'error',
      'stopped',
      'abort',
    ])
  })
})

describe('settle', () => {
  it('leaves nothing streaming and fails unfinished tool calls', () => {
    const message: ChatMessage = {
      id: 'a',
      role: 'assistant',
      parts: [
        { type: 'reasoning', text: 'r', state: 'streaming' },
        { type: 'tool-calculate', toolCallId: 'c', state: 'input-streaming', input: { expression: '1+' } },
        { type: 'text', text: 't', state: 'streaming' },
      ],
    }
    expect(settle(message).parts).toEqual([
      { type: 'reasoning', text: 'r', state: 'done' },
      {
        type: 'tool-calculate',
        toolCallId: 'c',
        state: 'output-error',
        input: { expression: '1+' },
        errorText: 'Ended before the tool finished',
      },
      { type: 'text', text: 't', state: 'done' },
    ])
  })
})

describe('coalescingWriter', () => {
  it('appends what one turn wrote at the end of that turn and joins what arrives meanwhile, in order', async () => {
    const { coalescingWriter } = await import('@/lib/chat/recorder')
    const { deferred } = await import('@/lib/async')
    const appends: string[] = []
    const gates: Array<ReturnType<typeof deferred<void>>> = []
    const writer = coalescingWriter({
      write: async (data: unknown) => {
        appends.push(String(data))
        const gate = deferred<void>()
        gates.push(gate)
        await gate.promise
      },
    })
    const turn = () => new Promise((r) => setImmediate(r))
    writer.write('a')
    writer.write('b')
    expect(appends).toEqual([]) // not during the turn that wrote them
    await turn()
    expect(appends).toEqual(['ab'])
    writer.write('c')
    await turn()
    writer.write('d')
    expect(appends).toEqual(['ab']) // c and d wait for the append in flight
    gates[0]!.resolve()
    await new Promise((r) => setTimeout(r, 0))
    expect(appends).toEqual(['ab', 'cd'])
    writer.write('e')
    gates[1]!.resolve()
    await new Promise((r) => setTimeout(r, 0))
    gates[2]!.resolve()
    await writer.drain()
    expect(appends).toEqual(['ab', 'cd', 'e'])
  })

  it('reports the first failed append on drain and stops appending', async () => {
    const { coalescingWriter } = await import('@/lib/chat/recorder')
    let calls = 0
    const writer = coalescingWriter({
      write: async () => {
        if (calls++ === 0) throw new Error('disk full')
      },
    })
    writer.write('a')
    writer.write('b')
    await expect(writer.drain()).rejects.toThrow('disk full')
    expect(calls).toBe(1)
  })
})

describe('parseFrames', () => {
  it('reads complete SSE frames of UI chunks, skipping [DONE] and an unfinished frame', async () => {
    const { parseFrames } = await import('@/lib/chat/answer-so-far')
    const { sseFrame, SSE_DONE } = await import('@/lib/chat/recorder')
    const chunks = [
      { type: 'start', messageId: 'm' },
      { type: 'text-delta', id: 't', delta: 'a\n\nb' },
    ]
    const text = chunks.map(sseFrame).join('') + SSE_DONE + 'data: {"type":"text-del'
    expect(parseFrames(text)).toEqual(chunks)
  })
})
