import { rm } from 'node:fs/promises'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import { askChat, deltas, readChunks } from '@/test/support/chat'
import { startServer, type TestServer } from '@/test/support/server'
import { waitFor } from '@/test/support/wait'

/**
 * Every chat whose answer had started streaming (the POST answered 200 and a first token came) is
 * still there after the server is killed with SIGKILL and started again on the same data.
 */
const ROUNDS = 5

/** Every request of this test goes through here (a cookie jar for per-visitor chats goes here too). */
function client(server: TestServer) {
  const request: typeof fetch = (input, init) => fetch(input, init)
  return {
    request,
    get: (p: string) => request(`${server.baseUrl}${p}`),
  }
}

const OPERATOR = 'chat-crash-operator-token'

let server: TestServer | undefined
let dataDir: string | undefined

afterAll(async () => {
  await server?.stop({ keepData: true })
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

describe('chats through SIGKILL', () => {
  it(`keeps every acknowledged chat (${ROUNDS} kills mid-answer)`, { timeout: 240_000 }, async () => {
    const acknowledged: string[] = []
    for (let round = 0; round < ROUNDS; round++) {
      server = await startServer({ dataDir, env: { SLUICE_OFFLINE_TOKEN_MS: '20' } })
      dataDir = server.dataDir
      const http = client(server)
      const chatId = `killed-${round}-${Date.now().toString(36)}`
      const res = await askChat(server.baseUrl, chatId, `Tell me a long story, number ${round}`, http.request)
      expect(res.status).toBe(200)
      const first = await readChunks(res, deltas(1))
      expect(first.some((c) => c.type === 'text-delta')).toBe(true)
      acknowledged.push(chatId)
      // One more chat asked just before the kill, at a moment that varies: it may or may not be
      // acknowledged, but it must never leave a generation stream without its chat.
      const late = askChat(server.baseUrl, `late-${round}-${Date.now().toString(36)}`, 'And another story', http.request).catch(
        () => undefined,
      )
      await new Promise((r) => setTimeout(r, round * 3))
      await server.kill()
      await late

      server = await startServer({ dataDir, env: { SLUICE_OFFLINE_TOKEN_MS: '20' } })
      const after = client(server)
      for (const id of acknowledged) {
        const chat = await after.get(`/api/chats/${id}`)
        expect(chat.status, `chat ${id} after ${round + 1} kill(s): ${await chat.clone().text()}`).toBe(200)
        const body = (await chat.json()) as { id: string; messages: { role: string }[] }
        expect(body.id).toBe(id)
        expect(body.messages[0]?.role).toBe('user')
      }
      const list = (await (await after.get('/api/chats?limit=1000')).json()) as { chats: { id: string }[] }
      expect(list.chats.map((c) => c.id)).toEqual(expect.arrayContaining(acknowledged))
      const generations = (await (await after.get('/api/durable?namespace=chat&limit=1000')).json()) as {
        streams: { metadata: { chatId: string } }[]
      }
      const chats = new Set(list.chats.map((c) => c.id))
      expect(
        generations.streams.map((g) => g.metadata.chatId).filter((id) => !chats.has(id)),
        'generation streams without their chat',
      ).toEqual([])
      await server.stop({ keepData: true })
      server = undefined
    }
  })
})

describe('a chat that cannot be stored', () => {
  it('leaves no generation stream behind (the chat is committed before the answer starts)', async () => {
    const own = await startServer({ env: { SLUICE_OFFLINE_TOKEN_MS: '5', SLUICE_OPERATOR_TOKEN: OPERATOR } })
    const http = client(own)
    try {
      const first = `first-${Date.now().toString(36)}`
      await readChunks(await askChat(own.baseUrl, first, 'hello', http.request)) // creates chat.sqlite
      // The answer is stored after the stream ends: wait for it, so the server is not writing.
      await waitFor('the first answer to be stored', async () => {
        const chat = (await (await http.get(`/api/chats/${first}`)).json()) as { activeStreamId: string | null; messages: unknown[] }
        return chat.activeStreamId === null && chat.messages.length === 2
      })
      // Another connection holds chat.sqlite's write lock: the server's save of the chat fails.
      const lock = new DatabaseSync(path.join(own.dataDir, 'chat.sqlite'))
      await waitFor('the write lock of chat.sqlite', async () => {
        try {
          lock.exec('BEGIN IMMEDIATE')
          return true
        } catch {
          return false // the server's own checkpoint or write: try again
        }
      })
      let refused: Response
      try {
        refused = await askChat(own.baseUrl, `locked-${Date.now().toString(36)}`, 'hello', http.request)
      } finally {
        lock.exec('ROLLBACK')
        lock.close()
      }
      expect(refused.status).toBeGreaterThanOrEqual(500)
      const chats = (await (await http.get('/api/chats?limit=1000')).json()) as { chats: { id: string }[] }
      const known = new Set(chats.chats.map((c) => c.id))
      // As the operator: an orphan stream would belong to nobody, and a visitor lists only its own.
      const generations = (await (
        await fetch(`${own.baseUrl}/api/durable?namespace=chat&limit=1000`, { headers: { authorization: `Bearer ${OPERATOR}` } })
      ).json()) as { streams: { metadata: { chatId: string } }[] }
      expect(generations.streams.length).toBeGreaterThan(0) // the first chat's answer: the list does show streams
      expect(
        generations.streams.map((g) => g.metadata.chatId).filter((id) => !known.has(id)),
        'generation streams without their chat',
      ).toEqual([])
    } finally {
      await own.stop()
    }
  })
})
