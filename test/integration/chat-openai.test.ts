import type { UIMessageChunk } from 'ai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readSse } from '@/lib/stream/client'
import { API_PATHS, HELLO, startOpenAiServer, type OpenAiApi, type OpenAiServer } from '@/test/support/openai-server'
import { startServer, type TestServer } from '@/test/support/server'
import { waitFor } from '@/test/support/wait'

/**
 * The OpenAI path for real: Sluice's chat (through `@ai-sdk/openai`) and its proxy against an
 * OpenAI-compatible server this test runs on 127.0.0.1. The chat runs twice, once per API the
 * provider speaks (`SLUICE_OPENAI_API`): Chat Completions, what compatible servers speak, and
 * Responses, what Sluice uses against OpenAI itself (no `OPENAI_BASE_URL`).
 */
let upstream: OpenAiServer
const servers = {} as Record<OpenAiApi, TestServer>
let chatCount = 0

beforeAll(async () => {
  upstream = await startOpenAiServer()
  const start = (api: OpenAiApi) =>
    startServer({
      env: {
        OPENAI_API_KEY: upstream.apiKey,
        OPENAI_BASE_URL: `${upstream.url}/v1`,
        SLUICE_OPENAI_API: api,
        SLUICE_MODEL: 'local-test-model',
        SLUICE_MODEL_MAX_RETRIES: '0',
      },
    })
  ;[servers.chat, servers.responses] = await Promise.all([start('chat'), start('responses')])
})
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()))
  await upstream?.close()
})

type Chunk = UIMessageChunk<Record<string, unknown>>

async function chunksOf(response: Response, onChunk?: (c: Chunk) => void): Promise<Chunk[]> {
  expect(response.status).toBe(200)
  expect(response.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1')
  const chunks: Chunk[] = []
  for await (const event of readSse(response)) {
    if (event.data === '[DONE]') break
    const chunk = JSON.parse(event.data) as Chunk
    chunks.push(chunk)
    onChunk?.(chunk)
  }
  return chunks
}

const textOf = (chunks: Chunk[]) => chunks.flatMap((c) => (c.type === 'text-delta' ? [c.delta] : [])).join('')

describe.each(['chat', 'responses'] as const)('chat through @ai-sdk/openai, %s API', (api) => {
  const url = (path: string) => `${servers[api].baseUrl}${path}`

  function ask(text: string, init: RequestInit = {}): Promise<{ chatId: string; response: Response }> {
    const chatId = `it-chat-${++chatCount}`
    const message = { id: `u-${chatCount}`, role: 'user', parts: [{ type: 'text', text }] }
    return fetch(url('/api/chat'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: chatId, trigger: 'submit-message', message }),
      ...init,
    }).then((response) => ({ chatId, response }))
  }

  type StoredChat = {
    activeStreamId: string | null
    messages: Array<{ role: string; metadata?: Record<string, unknown>; parts: Array<{ type: string; text?: string }> }>
  }

  /** The chat once its answer is recorded (the recording finishes after the response). */
  async function storedChat(chatId: string): Promise<StoredChat> {
    let chat: StoredChat | undefined
    await waitFor(`chat ${chatId} to have no running answer`, async () => {
      chat = (await (await fetch(url(`/api/chats/${chatId}`))).json()) as StoredChat
      return chat.activeStreamId === null
    })
    return chat!
  }

  /** Every model call made for this describe's chats used its API, on its path. */
  const calls = (from: number) => {
    const made = upstream.requests.slice(from)
    expect(made.map((r) => r.path)).toEqual(made.map(() => API_PATHS[api]))
    return made
  }

  it('streams the answer, names the model, and sends the key and model upstream', async () => {
    const before = upstream.requests.length
    const { chatId, response } = await ask('Say hello')
    const chunks = await chunksOf(response)
    expect(textOf(chunks)).toBe(HELLO.join(''))
    expect(chunks.filter((c) => c.type === 'text-delta').map((c) => (c as { delta: string }).delta)).toEqual(HELLO)
    const start = chunks.find((c) => c.type === 'start') as unknown as { messageMetadata: { model: string } }
    expect(start.messageMetadata.model).toBe(`local-test-model via ${new URL(upstream.url).host}`)
    expect(calls(before)).toHaveLength(1)
    const sent = upstream.requests[before]!
    expect(sent.authorization).toBe(`Bearer ${upstream.apiKey}`)
    expect(sent.body).toMatchObject({ model: 'local-test-model', stream: true })
    if (api === 'chat') expect(sent.body.messages.at(-1)).toMatchObject({ role: 'user', content: 'Say hello' })
    else expect(sent.body.input.at(-1)).toMatchObject({ role: 'user', content: [{ type: 'input_text', text: 'Say hello' }] })
    const stored = await storedChat(chatId)
    expect(stored.messages.at(-1)!.metadata).toMatchObject({ finishReason: 'stop', usage: { inputTokens: 11, outputTokens: 7 } })
  })

  it('streams a tool call (input as it is written, then the result) and continues with a second model call', async () => {
    const before = upstream.requests.length
    const { response } = await ask('What is the time in Asia/Tokyo?')
    const chunks = await chunksOf(response)
    const types = chunks.map((c) => c.type)
    expect(types.filter((t) => t === 'tool-input-delta').length).toBeGreaterThan(1)
    expect(chunks.find((c) => c.type === 'tool-input-available')).toMatchObject({
      toolName: 'currentTime',
      input: { timeZone: 'Asia/Tokyo' },
    })
    const output = chunks.find((c) => c.type === 'tool-output-available') as { output: { timeZone: string; utcOffset: string } }
    expect(output.output).toMatchObject({ timeZone: 'Asia/Tokyo', utcOffset: '+09:00' })
    expect(types.indexOf('tool-input-start')).toBeLessThan(types.indexOf('tool-output-available'))
    expect(textOf(chunks)).toContain('"timeZone":"Asia/Tokyo"')
    // Two model calls: the second carries the tool result back to the model.
    expect(calls(before)).toHaveLength(2)
    const second = upstream.requests[before + 1]!
    if (api === 'chat') {
      const toolMessage = second.body.messages.find((m) => m.role === 'tool')
      expect(String(toolMessage?.content)).toContain('Asia/Tokyo')
    } else {
      // Responses: the call goes back as a `function_call` item, its result as a `function_call_output` with the same id.
      expect(second.body.input.find((i) => i.type === 'function_call')).toMatchObject({ call_id: 'call_local_1', name: 'currentTime' })
      const toolOutput = second.body.input.find((i) => i.type === 'function_call_output')
      expect(toolOutput).toMatchObject({ call_id: 'call_local_1' })
      expect(String(toolOutput?.output)).toContain('Asia/Tokyo')
    }
    expect(second.toolOutput).toContain('Asia/Tokyo')
  })

  it.each([
    ['status 429', 'rate_limited:model', 429],
    ['status 500', 'unavailable:model', 500],
    ['status 503', 'unavailable:model', 503],
  ])('%s from the model is an error in the conversation (%s), stored with the chat', async (prompt, code, status) => {
    const before = upstream.requests.length
    const { chatId, response } = await ask(prompt)
    const chunks = await chunksOf(response)
    const error = chunks.find((c) => c.type === 'error') as { errorText: string }
    expect(JSON.parse(error.errorText)).toMatchObject({ error: { code, details: { status } } })
    const stored = await storedChat(chatId)
    expect(stored.messages.at(-1)!.metadata).toMatchObject({ error: { code } })
    expect(calls(before).map((r) => r.status)).toEqual([status])
  })

  it('a rejected key (401) is an unauthorized:model error', async () => {
    upstream.acceptKey('sk-rotated')
    const before = upstream.requests.length
    try {
      const { response } = await ask('Say hello')
      const error = (await chunksOf(response)).find((c) => c.type === 'error') as { errorText: string }
      expect(JSON.parse(error.errorText)).toMatchObject({
        error: { code: 'unauthorized:model', details: { status: 401, provider: 'Incorrect API key provided: sk-wr***.' } },
      })
      expect(calls(before).map((r) => r.status)).toEqual([401])
    } finally {
      upstream.acceptKey(upstream.apiKey)
    }
  })

  it('a stream that breaks midway keeps the partial text and ends with an error', async () => {
    const before = upstream.requests.length
    const { chatId, response } = await ask('please break')
    const chunks = await chunksOf(response)
    expect(textOf(chunks)).toBe(HELLO.slice(0, 2).join(''))
    expect(chunks.at(-1)).toMatchObject({ type: 'error' })
    const stored = await storedChat(chatId)
    const answer = stored.messages.at(-1)!
    expect(answer.parts.find((p) => p.type === 'text')?.text).toBe(HELLO.slice(0, 2).join(''))
    expect(answer.metadata).toMatchObject({ error: { code: 'unavailable:model_stream' } })
    expect(calls(before).map((r) => r.aborted)).toEqual([true])
  })

  it('Stop aborts the upstream request and keeps the partial answer', async () => {
    const before = upstream.requests.length
    const { chatId, response } = await ask('slow please')
    let stopped = false
    const chunks = await chunksOf(response, (c) => {
      if (c.type === 'text-delta' && !stopped) {
        stopped = true
        void fetch(url(`/api/chat/${chatId}/stop`), { method: 'POST' })
      }
    })
    expect(chunks.at(-1)).toMatchObject({ type: 'abort' })
    const upstreamCall = calls(before)[0]!
    await upstreamCall.finished
    expect(upstreamCall.aborted).toBe(true)
    const stored = await storedChat(chatId)
    expect(stored.messages.at(-1)!.metadata).toMatchObject({ stopped: true })
    expect(stored.messages.at(-1)!.parts.find((p) => p.type === 'text')?.text).toMatch(/^ word0/)
  })
})

describe('POST /api/proxy/openai', () => {
  // The proxy forwards Chat Completions whatever SLUICE_OPENAI_API says; one server is enough.
  const url = (path: string) => `${servers.chat.baseUrl}${path}`
  const completion = (content: string) =>
    fetch(url('/api/proxy/openai'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'local-test-model', stream: true, messages: [{ role: 'user', content }] }),
    })

  it('returns the upstream SSE body byte for byte, sent with the server key', async () => {
    const before = upstream.requests.length
    const res = await completion('Say hello')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    expect(res.headers.get('x-request-id')).toBe(`req_${before + 1}`)
    const body = await res.text()
    const sent = upstream.requests[before]!
    expect(body).toBe(sent.sent)
    expect(body).toContain('"content":" local"')
    expect(sent.authorization).toBe(`Bearer ${upstream.apiKey}`)
  })

  it('passes upstream error statuses and bodies through', async () => {
    const before = upstream.requests.length
    const res = await completion('status 429')
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('7')
    expect(await res.text()).toBe(upstream.requests[before]!.sent)
  })

  it('aborts the upstream request when the client goes away', async () => {
    const before = upstream.requests.length
    const controller = new AbortController()
    const res = await fetch(url('/api/proxy/openai'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'slow' }] }),
      signal: controller.signal,
    })
    const reader = res.body!.getReader()
    await reader.read()
    controller.abort()
    const call = upstream.requests[before]!
    await call.finished
    expect(call.aborted).toBe(true)
  })

  it('refuses a body that is not a chat-completions request, without calling upstream', async () => {
    const before = upstream.requests.length
    const res = await fetch(url('/api/proxy/openai'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"messages":[]}',
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request:body')
    expect(upstream.requests.length).toBe(before)
  })
})
