import { spawnSync } from 'node:child_process'
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { KeySpace } from '@/lib/durable/redis/keys'
import { readSse, type SseEvent } from '@/lib/stream/client'
import { appendThroughCrash } from '../support/crash'
import { askChat } from '../support/chat'
import { startRedis, type TestRedis } from '../support/redis'
import { freePort, startServer, type TestServer } from '../support/server'
import { waitFor, within } from '../support/wait'

/**
 * Two production instances sharing one Redis, as behind a load balancer: whatever is written
 * through one is read, caught up and tailed live through the other. Live readers on B are woken
 * by Redis pub/sub when A appends — the long-poll timeout is far longer than the test may take,
 * so an answer with data can only come from that wake-up.
 */
let redis: TestRedis
let a: TestServer
let b: TestServer
const connectWatcher = (url: string) =>
  createClient({ url })
    .on('error', () => undefined) // it reconnects after the redis-server crash test
    .connect()
let watcher: Awaited<ReturnType<typeof connectWatcher>>
const keys = new KeySpace('sluice:')
let unique = 0
const streamName = (label: string) => `scale/${label}-${Date.now()}-${++unique}`
const at = (server: TestServer, name: string) => `${server.baseUrl}/v1/stream/${name}`

beforeAll(async () => {
  redis = await startRedis()
  const env = { REDIS_URL: redis.url, SLUICE_STREAMS_LONG_POLL_MS: '50000', SLUICE_STREAMS_SSE_MAX_MS: '50000' }
  ;[a, b] = await Promise.all([startServer({ env }), startServer({ env })])
  watcher = await connectWatcher(redis.url)
})

afterAll(async () => {
  watcher?.destroy()
  await Promise.all([a?.stop(), b?.stop()])
  await redis?.stop()
})

async function put(server: TestServer, name: string, body?: string): Promise<void> {
  const res = await fetch(at(server, name), { method: 'PUT', headers: { 'Content-Type': 'text/plain' }, body })
  expect(res.status).toBe(201)
}

async function post(server: TestServer, name: string, body: string): Promise<Response> {
  const res = await fetch(at(server, name), { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body })
  expect(res.status).toBe(204)
  return res
}

/** Resolves once some instance listens for the stream's changes (a reader waits, or just waited). */
async function readerWaiting(name: string): Promise<void> {
  const channel = keys.stream(name).channel
  await waitFor(`a reader subscribed to ${channel}`, async () => ((await watcher.pubSubNumSub(channel))[channel] ?? 0) > 0, 10_000, 5)
}

/** Asks `server` for an answer in chat `chatId` (offline model) and reads it to the end. */
async function askAndWait(server: TestServer, chatId: string, text: string): Promise<void> {
  const res = await askChat(server.baseUrl, chatId, text)
  expect(res.status).toBe(200)
  await res.text()
}

interface StoredChat {
  activeStreamId: string | null
  messages: Array<{ role: string }>
}

/** The chat as `server` reads it, once its answer is stored (the recording finishes after the response). */
async function answeredChat(server: TestServer, chatId: string): Promise<StoredChat> {
  let chat: StoredChat | undefined
  await waitFor(`the answer in chat ${chatId} to be stored`, async () => {
    chat = (await (await fetch(`${server.baseUrl}/api/chats/${chatId}`)).json()) as StoredChat
    return chat.activeStreamId === null && chat.messages.length === 2
  })
  return chat!
}

describe('two instances sharing one Redis', () => {
  test('create and append through A; catch-up and HEAD through B', async () => {
    const name = streamName('catch-up')
    await put(a, name, 'one,')
    await post(a, name, 'two,')
    await post(a, name, 'three')
    const res = await fetch(at(b, name))
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('one,two,three')
    const head = await fetch(at(b, name), { method: 'HEAD' })
    expect(head.headers.get('Stream-Next-Offset')).toBe(res.headers.get('Stream-Next-Offset'))
  })

  test('a long-poll on B is answered with the data A appends', async () => {
    const name = streamName('long-poll')
    await put(a, name, 'before;')
    const tail = (await fetch(at(b, name), { method: 'HEAD' })).headers.get('Stream-Next-Offset')!
    const polling = fetch(`${at(b, name)}?offset=${tail}&live=long-poll`)
    await readerWaiting(name)
    await post(a, name, 'after;')
    const res = await polling
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('after;')
  })

  test('a live SSE reader on B catches up, then receives each append through A', async () => {
    const name = streamName('sse')
    await put(a, name, 'caught-up;')
    const controller = new AbortController()
    const res = await fetch(`${at(b, name)}?offset=-1&live=sse`, { signal: controller.signal })
    const events = readSse(res, { signal: controller.signal })
    const nextData = (): Promise<SseEvent> =>
      within(
        'the next data event on B',
        (async () => {
          for (;;) {
            const { value, done } = await events.next()
            if (done) throw new Error('the SSE stream ended')
            if (value.event === 'data') return value
          }
        })(),
      )
    try {
      expect((await nextData()).data).toBe('caught-up;')
      for (const part of ['live-1;', 'live-2;', 'live-3;']) {
        await readerWaiting(name)
        await post(a, name, part)
        expect((await nextData()).data).toBe(part)
      }
    } finally {
      controller.abort()
    }
  })

  test('a chat answered through A is listed, read and deleted through B', async () => {
    const chatId = `scale-chat-${++unique}`
    await askAndWait(a, chatId, 'What is 6 * 7? shared-chat-marker')
    expect((await answeredChat(b, chatId)).messages.map((m) => m.role)).toEqual(['user', 'assistant'])
    const listed = (await (await fetch(`${b.baseUrl}/api/chats`)).json()) as { chats: Array<{ id: string; messageCount: number }> }
    expect(listed.chats.find((c) => c.id === chatId)).toMatchObject({ messageCount: 2 })
    const deleted = await fetch(`${b.baseUrl}/api/chats/${chatId}`, { method: 'DELETE' })
    expect(deleted.status).toBe(204)
    expect((await fetch(`${a.baseUrl}/api/chats/${chatId}`)).status).toBe(404)
    expect(await watcher.keys(`sluice:chat:{${chatId}}:*`)).toEqual([])
  })

  test('concurrent appends through both instances never tear or reorder', async () => {
    const name = streamName('concurrent')
    await put(a, name)
    const parts = Array.from({ length: 120 }, (_, i) => `<${i % 2 === 0 ? 'A' : 'B'}${String(i).padStart(4, '0')}>`)
    const acks = await Promise.all(parts.map((part, i) => post(i % 2 === 0 ? a : b, name, part)))
    const fromA = await (await fetch(at(a, name))).text()
    const fromB = await (await fetch(at(b, name))).text()
    expect(fromB).toBe(fromA)
    expect(fromA).toHaveLength(parts.join('').length)
    // Each acknowledged append sits exactly where its acknowledgement said it ends.
    parts.forEach((part, i) => {
      const end = Number(acks[i]!.headers.get('Stream-Next-Offset')!.split('_')[1])
      expect(fromA.slice(end - part.length, end)).toBe(part)
    })
  })
})

describe('crashes on the Redis store', () => {
  test('SIGKILL of an instance mid-stream: every acknowledged append is readable through the other', async () => {
    const victim = await startServer({ env: { REDIS_URL: redis.url } })
    try {
      await appendThroughCrash({ baseUrl: victim.baseUrl, crash: () => victim.kill(), recover: async () => b.baseUrl })
    } finally {
      await victim.stop()
    }
  })

  test('SIGKILL of redis-server mid-stream: the append-only file keeps every acknowledged append', async () => {
    await appendThroughCrash({
      baseUrl: a.baseUrl,
      crash: () => redis.kill(),
      recover: async () => {
        await redis.restart()
        // The instances reconnect by themselves; wait until A answers from Redis again.
        await waitFor(
          'instance A to answer from Redis again',
          async () => (await fetch(`${a.baseUrl}/v1/stream/scale/absent`, { method: 'HEAD' })).status === 404,
          30_000,
        )
        return a.baseUrl
      },
    })
  })
})

describe('Redis unreachable', () => {
  test('an instance started while Redis is down answers 503, then serves streams once Redis is up', async () => {
    const port = await freePort()
    const server = await startServer({ env: { REDIS_URL: `redis://127.0.0.1:${port}`, SLUICE_REDIS_CONNECT_TIMEOUT_MS: '500' } })
    let late: TestRedis | undefined
    try {
      expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200)
      const name = streamName('late')
      const refused = await fetch(at(server, name), { method: 'PUT', headers: { 'Content-Type': 'text/plain' } })
      expect(refused.status).toBe(503)
      expect((await refused.json()).error.code).toBe('unavailable:store')
      const chats = await fetch(`${server.baseUrl}/api/chats`)
      expect(chats.status).toBe(503)
      expect((await chats.json()).error.code).toBe('unavailable:store')
      late = await startRedis({ port })
      await put(server, name, 'after the outage')
      expect(await (await fetch(at(server, name))).text()).toBe('after the outage')
      expect(await (await fetch(`${server.baseUrl}/api/chats`)).json()).toEqual({ total: 0, chats: [] })
    } finally {
      await server.stop()
      await late?.stop()
    }
  })
})

describe('no local writes with the Redis store', () => {
  test('an instance whose data directory is read-only serves durable streams, chats and jobs from Redis', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sluice-readonly-'))
    await chmod(dataDir, 0o555)
    // As root, permissions are not enforced: run the server as nobody.
    const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined
    let server: TestServer | undefined
    try {
      // Control: the server's user really cannot write there (the embedded store would fail to start).
      const probe = spawnSync(process.execPath, ['-e', `require('node:fs').mkdirSync(${JSON.stringify(path.join(dataDir, 'streams'))})`], {
        ...user,
        encoding: 'utf8',
      })
      expect(probe.status).not.toBe(0)
      expect(probe.stderr).toMatch(/EACCES|EROFS/)

      server = await startServer({ dataDir, user, env: { REDIS_URL: redis.url } })
      const name = streamName('readonly')
      await put(server, name, 'stored ')
      await post(server, name, 'in redis')
      expect(await (await fetch(at(server, name))).text()).toBe('stored in redis')
      expect(await (await fetch(at(a, name))).text()).toBe('stored in redis')
      // A chat answered there is stored in Redis too (read back through another instance).
      const chatId = `readonly-chat-${++unique}`
      await askAndWait(server, chatId, 'hello from a read-only instance')
      expect((await answeredChat(a, chatId)).messages.map((m) => m.role)).toEqual(['user', 'assistant'])
      // Jobs too: the export table seeded there, an import run there, a background export started there.
      const json = { 'content-type': 'application/json' }
      const seeded = await fetch(`${server.baseUrl}/api/jobs/export/table`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ rows: 300 }),
      })
      expect(seeded.status).toBe(200)
      expect(((await (await fetch(`${a.baseUrl}/api/jobs/export/table`)).json()) as { rows: number }).rows).toBe(300)
      const imported = await fetch(`${server.baseUrl}/api/jobs/import`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ rows: 200 }),
      })
      const frames: SseEvent[] = []
      for await (const event of readSse(imported)) frames.push(event)
      expect(frames.at(-1)!.event).toBe('complete')
      const { jobId } = JSON.parse(frames.at(-1)!.data) as { jobId: string }
      expect(await (await fetch(`${a.baseUrl}/api/jobs/import/${jobId}`)).json()).toMatchObject({ status: 'complete', storedRows: 192 })
      const exported = await fetch(`${server.baseUrl}/api/jobs/export/durable`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ format: 'ndjson' }),
      })
      expect(exported.status).toBe(202)
      const { id } = (await exported.json()) as { id: string }
      await expect.poll(async () => (await fetch(at(a, id), { method: 'HEAD' })).headers.get('stream-closed')).toBe('true')
      expect((await (await fetch(at(a, id))).text()).trimEnd().split('\n')).toHaveLength(300)
      // Uploads are files on the instance's disk: refused clearly, with nothing left behind.
      const upload = await fetch(`${server.baseUrl}/api/uploads/notes.txt`, { method: 'PUT', body: 'hello' })
      expect(upload.status).toBe(503)
      expect(((await upload.json()) as { error: { code: string } }).error.code).toBe('unavailable:upload_dir')
      expect(await readdir(dataDir)).toEqual([])
    } finally {
      await server?.stop()
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
