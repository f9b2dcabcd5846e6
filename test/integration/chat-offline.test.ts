import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readSse } from '@/lib/stream/client'
import { askChat, chunkText, deltas, readChunks, type Chunk } from '@/test/support/chat'
import { startServer, type TestServer } from '@/test/support/server'
import { waitFor } from '@/test/support/wait'

/** The chat API with the offline model: durable generations, resume, stop, conflicts, bad input. */
let server: TestServer

beforeAll(async () => {
  server = await startServer({ env: { SLUICE_OFFLINE_TOKEN_MS: '5' } })
})
afterAll(() => server?.stop())

const url = (path: string) => `${server.baseUrl}${path}`
async function chat(chatId: string) {
  return (await (await fetch(url(`/api/chats/${chatId}`))).json()) as {
    activeStreamId: string | null
    messages: Array<{ id: string; role: string }>
  }
}

describe('resume from the durable stream', () => {
  it('replays a running answer from the start and follows it to the same end, without a second generation', async () => {
    const chatId = `resume-${Date.now()}`
    const first = await askChat(server.baseUrl, chatId, 'Tell me a long story')
    const generation = first.headers.get('x-sluice-generation')!
    expect(generation).toMatch(/^chat\//)
    const early = await readChunks(first, deltas(3))
    const resumed = await fetch(url(`/api/chat/${chatId}/stream`))
    expect(resumed.status).toBe(200)
    expect(resumed.headers.get('content-type')).toContain('text/event-stream')
    const health = (await (await fetch(url('/api/health'))).json()) as { activeByKind: Record<string, number> }
    expect(health.activeByKind.generation).toBe(1)
    const replay = await readChunks(resumed)
    expect(replay[0]).toMatchObject({ type: 'start', messageId: (early[0] as { messageId: string }).messageId })
    expect(chunkText(replay).startsWith(chunkText(early))).toBe(true)
    expect(replay.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' })
    // The stored answer is the replayed one. (It is stored when the generation has ended, which the
    // stream's end does not wait for: a reader until then is served from the durable stream.)
    await waitFor('the answer to be stored', async () => (await chat(chatId)).activeStreamId === null)
    const stored = await chat(chatId)
    expect(stored.messages.map((m) => m.role)).toEqual(['user', 'assistant'])
    // The generation stays readable by id (what a page rendered mid-answer asks for) and over the protocol.
    const again = await readChunks(await fetch(url(`/api/chat/${chatId}/stream?generation=${encodeURIComponent(generation)}`)))
    expect(again).toEqual(replay)
    const raw = await (await fetch(url(`/v1/stream/${generation}`))).text()
    expect(raw.startsWith('data: {"type":"start"')).toBe(true)
    expect(raw.endsWith('data: [DONE]\n\n')).toBe(true)
  })

  it('answers 204 when nothing is running, 404 for unknown chats and foreign generations', async () => {
    const chatId = `idle-${Date.now()}`
    await readChunks(await askChat(server.baseUrl, chatId, 'hello'))
    // Nothing runs once the answer is stored (the response's end does not wait for the store).
    await waitFor('the answer to be stored', async () => (await chat(chatId)).activeStreamId === null)
    expect((await fetch(url(`/api/chat/${chatId}/stream`))).status).toBe(204)
    expect((await fetch(url('/api/chat/nobody/stream'))).status).toBe(404)
    const other = `other-${Date.now()}`
    const res = await askChat(server.baseUrl, other, 'hello')
    const foreign = res.headers.get('x-sluice-generation')!
    await readChunks(res)
    const wrong = await fetch(url(`/api/chat/${chatId}/stream?generation=${encodeURIComponent(foreign)}`))
    expect(wrong.status).toBe(404)
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('not_found:generation')
    expect((await fetch(url(`/api/chat/${chatId}/stream?generation=..%2Fx`))).status).toBe(400)
  })
})

describe('one answer at a time, stopped on request', () => {
  it('refuses a second message while answering (409), stops on request, then accepts one', async () => {
    const chatId = `busy-${Date.now()}`
    const first = await askChat(server.baseUrl, chatId, 'Tell me a long story')
    const chunks: Chunk[] = []
    for await (const event of readSse(first)) {
      if (event.data === '[DONE]') break
      chunks.push(JSON.parse(event.data) as Chunk)
      if (chunks.filter((c) => c.type === 'text-delta').length !== 1) continue
      // Mid-answer, while this response keeps being read:
      const second = await askChat(server.baseUrl, chatId, 'and another')
      expect(second.status).toBe(409)
      expect(((await second.json()) as { error: { code: string } }).error.code).toBe('conflict:generation')
      const stop = (await (await fetch(url(`/api/chat/${chatId}/stop`), { method: 'POST' })).json()) as { stopped: boolean }
      expect(stop.stopped).toBe(true)
    }
    expect(chunks.at(-1)).toMatchObject({ type: 'abort' })
    await waitFor('the stopped answer to be stored', async () => (await chat(chatId)).activeStreamId === null)
    const third = await askChat(server.baseUrl, chatId, 'hello again')
    expect(third.status).toBe(200)
    await readChunks(third)
    await waitFor('the second answer to be stored', async () => (await chat(chatId)).activeStreamId === null)
    expect((await chat(chatId)).messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
  })
})

describe('bad input', () => {
  it.each([
    ['a non-JSON body', 'text/plain', 'hello', 415, 'unsupported_media_type:body'],
    [
      'an invalid chat id',
      'application/json',
      JSON.stringify({ id: '../x', trigger: 'submit-message', message: { id: 'u', role: 'user', parts: [{ type: 'text', text: 'hi' }] } }),
      400,
      'bad_request:body',
    ],
    [
      'a non-user message',
      'application/json',
      JSON.stringify({
        id: 'ok',
        trigger: 'submit-message',
        message: { id: 'u', role: 'assistant', parts: [{ type: 'text', text: 'hi' }] },
      }),
      400,
      'bad_request:body',
    ],
    [
      'an empty message',
      'application/json',
      JSON.stringify({ id: 'ok', trigger: 'submit-message', message: { id: 'u', role: 'user', parts: [] } }),
      400,
      'bad_request:body',
    ],
    [
      'a regenerate with nothing to answer',
      'application/json',
      JSON.stringify({ id: 'empty-chat', trigger: 'regenerate-message' }),
      400,
      'bad_request:regenerate',
    ],
  ])('refuses %s and stores nothing', async (_what, type, body, status, code) => {
    const before = ((await (await fetch(url('/api/chats'))).json()) as { total: number }).total
    const res = await fetch(url('/api/chat'), { method: 'POST', headers: { 'content-type': type }, body })
    expect(res.status).toBe(status)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code)
    expect(((await (await fetch(url('/api/chats'))).json()) as { total: number }).total).toBe(before)
  })

  it('stop and delete of an unknown chat are 404', async () => {
    expect((await fetch(url('/api/chat/nobody/stop'), { method: 'POST' })).status).toBe(404)
    expect((await fetch(url('/api/chats/nobody'), { method: 'DELETE' })).status).toBe(404)
  })
})

describe('a server that dies mid-answer', () => {
  it('after a restart, resuming replays what was written and ends instead of waiting forever', async () => {
    const own = await startServer({ env: { SLUICE_OFFLINE_TOKEN_MS: '20' } })
    const dataDir = own.dataDir
    let restarted: TestServer | undefined
    try {
      const chatId = 'crash-1'
      const res = await fetch(`${own.baseUrl}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          id: chatId,
          trigger: 'submit-message',
          message: { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Tell me a long story' }] },
        }),
      })
      const early = await readChunks(res, deltas(5))
      await own.kill()
      restarted = await startServer({ dataDir })
      const resumed = await fetch(`${restarted.baseUrl}/api/chat/${chatId}/stream`)
      expect(resumed.status).toBe(200)
      const replay = await readChunks(resumed)
      // The replay is what reached the store before the kill: the same answer, cut. The client may
      // have seen a little more — a chunk goes to its socket first and is appended at the end of
      // that turn of the event loop, joined into the next append while one is in flight
      // (lib/chat/recorder.ts) — so one text is a prefix of the other.
      expect(replay[0]).toMatchObject({ type: 'start', messageId: (early[0] as { messageId: string }).messageId })
      const [stored, seen] = [chunkText(replay), chunkText(early)]
      expect(stored.length).toBeGreaterThan(0)
      expect(seen.startsWith(stored) || stored.startsWith(seen)).toBe(true)
      expect(replay.some((c) => c.type === 'finish')).toBe(false)
    } finally {
      await restarted?.stop({ keepData: true })
      await own.stop()
    }
  })
})
