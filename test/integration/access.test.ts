import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { accessTable, type RouteKey } from '@/lib/access/table'
import { askChat, readChunks } from '../support/chat.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { anonymousFetch, newVisitor } from '../support/visitor.ts'

/**
 * docs/security.md against a production build with every token set: two visitors (alice owns
 * things, bob tries them), a stranger without cookies, and the operator. Each finding of the
 * deploy-safety review is a case here, and one sweep calls every row of the access table.
 */
const OPERATOR = 'operator-token-for-tests-0123'
const STREAMS = 'streams-token-for-tests'
const JOBS = 'jobs-token-for-tests'
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
let server: TestServer
const alice = newVisitor()
const bob = newVisitor()
const json = { 'content-type': 'application/json' }

/** What alice owns, made in `beforeAll`. */
const owned = { chat: '', generation: '', upload: '', session: '', stream: '', importId: '' }
let importResponse: Response | undefined

const url = (path: string) => `${server.baseUrl}${path}`
const code = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code

beforeAll(async () => {
  server = await startServer({
    env: {
      SLUICE_OPERATOR_TOKEN: OPERATOR,
      SLUICE_STREAMS_TOKEN: STREAMS,
      SLUICE_JOBS_TOKEN: JOBS,
      SLUICE_OFFLINE_TOKEN_MS: '1',
      SLUICE_RUNNING_PER_VISITOR: '2',
    },
  })
  // A chat with a finished answer.
  owned.chat = `alice-${randomUUID().slice(0, 8)}`
  const answer = await askChat(server.baseUrl, owned.chat, 'What is 6 * 7?', alice.fetch)
  expect(answer.status).toBe(200)
  owned.generation = answer.headers.get('x-sluice-generation')!
  await readChunks(answer)
  // An upload (its session is alice's too).
  owned.upload = `alice-${randomUUID().slice(0, 8)}.txt`
  const announced = await alice.fetch(url('/api/uploads'), {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ name: owned.upload, size: 5 }),
  })
  expect(announced.status).toBe(201)
  owned.session = ((await announced.json()) as { id: string }).id
  const put = await alice.fetch(url(`/api/uploads/${owned.upload}`), {
    method: 'PUT',
    headers: { accept: 'application/json', 'upload-id': owned.session },
    body: 'hello',
  })
  expect(put.status).toBe(201)
  // A stream from the pages (a log producer), long enough to still be open.
  const logs = await alice.fetch(url('/api/durable/demo/logs'), {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ lines: 3, intervalMs: 50 }),
  })
  expect(logs.status).toBe(202)
  owned.stream = ((await logs.json()) as { id: string }).id
  // An import that waits between batches, so it is running while bob tries to cancel it.
  const started = await alice.fetch(url('/api/jobs/import'), {
    method: 'POST',
    headers: { ...json, ...bearer(JOBS) },
    body: JSON.stringify({ source: 'generated', rows: 100_000, delayMs: 200 }),
  })
  expect(started.status).toBe(200)
  owned.importId = started.headers.get('x-stream-id')!
  importResponse = started // kept open: a client that leaves cancels its import
}, 120_000)

afterAll(async () => {
  await importResponse?.body?.cancel().catch(() => {})
  await server?.stop()
})

describe('each visitor owns their data', () => {
  it('lists show only your own; the operator sees everything', async () => {
    const bobsChats = (await (await bob.fetch(url('/api/chats'))).json()) as { chats: Array<{ id: string }> }
    expect(bobsChats.chats.map((c) => c.id)).not.toContain(owned.chat)
    const alicesChats = (await (await alice.fetch(url('/api/chats'))).json()) as { chats: Array<{ id: string }> }
    expect(alicesChats.chats.map((c) => c.id)).toContain(owned.chat)
    const all = (await (await anonymousFetch(url('/api/chats'), { headers: bearer(OPERATOR) })).json()) as { chats: Array<{ id: string }> }
    expect(all.chats.map((c) => c.id)).toContain(owned.chat)

    const bobsUploads = (await (await bob.fetch(url('/api/uploads'))).json()) as { uploads: Array<{ name: string }> }
    expect(bobsUploads.uploads.map((u) => u.name)).not.toContain(owned.upload)
    const alicesUploads = (await (await alice.fetch(url('/api/uploads'))).json()) as { uploads: Array<{ name: string }> }
    expect(alicesUploads.uploads.map((u) => u.name)).toContain(owned.upload)

    const bobsStreams = (await (await bob.fetch(url('/api/durable'))).json()) as { streams: Array<{ id: string }> }
    expect(bobsStreams.streams.map((s) => s.id)).not.toContain(owned.stream)
    const alicesStreams = (await (await alice.fetch(url('/api/durable'))).json()) as { streams: Array<{ id: string }> }
    expect(alicesStreams.streams.map((s) => s.id)).toEqual(expect.arrayContaining([owned.stream, owned.generation]))

    type Imports = { total: number; jobs: Array<{ id: string; status: string }> }
    const bobsImports = (await (await bob.fetch(url('/api/jobs/import'))).json()) as Imports
    expect(bobsImports.jobs.map((j) => j.id)).not.toContain(owned.importId)
    const alicesImports = (await (await alice.fetch(url('/api/jobs/import'))).json()) as Imports
    expect(alicesImports.jobs.map((j) => j.id)).toContain(owned.importId)
    const allImports = (await (await anonymousFetch(url('/api/jobs/import'), { headers: bearer(OPERATOR) })).json()) as Imports
    expect(allImports.jobs.map((j) => j.id)).toContain(owned.importId)
    const strict = await alice.fetch(url('/api/jobs/import?limit=5&evil=1'))
    expect([strict.status, await code(strict)]).toEqual([400, 'bad_request:query'])
  })

  it('audit records are the operator’s alone, in lists, over the protocol, and as a fork source', async () => {
    const hidden = (await (await alice.fetch(url(`/api/durable?namespace=audit&meta.chatId=${owned.chat}`))).json()) as { total: number }
    expect(hidden.total).toBe(0)
    const listed = (await (
      await anonymousFetch(url(`/api/durable?namespace=audit&meta.chatId=${owned.chat}`), { headers: bearer(OPERATOR) })
    ).json()) as {
      streams: Array<{ id: string }>
    }
    expect(listed.streams).toHaveLength(1)
    const audit = listed.streams[0]!.id
    const read = await alice.fetch(url(`/v1/stream/${audit}?offset=-1`))
    expect([read.status, await code(read)]).toEqual([401, 'unauthorized:token'])
    const meta = await alice.fetch(url(`/api/durable/${audit}`))
    expect([meta.status, await code(meta)]).toEqual([401, 'unauthorized:token'])
    const records = await anonymousFetch(url(`/v1/stream/${audit}?offset=-1`), { headers: bearer(OPERATOR) })
    expect(records.status).toBe(200)
    // What the record holds (moved here from the e2e chat test: only the operator may read it).
    expect((await records.json()) as unknown[]).toEqual([
      expect.objectContaining({
        chatId: owned.chat,
        prompt: 'What is 6 * 7?',
        response: expect.stringContaining('6 * 7 = 42.'),
        toolCalls: [
          expect.objectContaining({
            toolName: 'calculate',
            input: { expression: '6 * 7' },
            output: expect.objectContaining({ result: '42' }),
          }),
        ],
        finishReason: 'stop',
        outcome: 'completed',
        usage: expect.objectContaining({ outputTokens: expect.any(Number) }),
      }),
    ])
    const fork = await anonymousFetch(url(`/v1/stream/forks/${randomUUID()}`), {
      method: 'PUT',
      headers: { ...bearer(STREAMS), 'content-type': 'application/json', 'stream-forked-from': `/v1/stream/${audit}` },
    })
    // The streams token is a writer's, not the operator's: refused.
    expect([fork.status, await code(fork)]).toEqual([403, 'forbidden:operator'])
  })

  it('a shared link is read-only: bob reads alice’s chat and its answer, and cannot change them', async () => {
    expect((await bob.fetch(url(`/api/chats/${owned.chat}`))).status).toBe(200)
    expect((await bob.fetch(url(`/v1/stream/${owned.generation}?offset=-1`))).status).toBe(200)
    for (const response of [
      await bob.fetch(url(`/api/chats/${owned.chat}`), { method: 'DELETE' }),
      await bob.fetch(url(`/api/chats/${owned.chat}`), { method: 'PATCH', headers: json, body: JSON.stringify({ title: 'bob was here' }) }),
      await bob.fetch(url(`/api/chat/${owned.chat}/stop`), { method: 'POST' }),
      await askChat(server.baseUrl, owned.chat, 'my turn', bob.fetch),
      await bob.fetch(url(`/v1/stream/${owned.generation}`), {
        method: 'POST',
        headers: { 'content-type': 'text/event-stream' },
        body: 'data: x\n\n',
      }),
      await bob.fetch(url(`/v1/stream/${owned.generation}`), { method: 'DELETE', headers: bearer(STREAMS) }),
    ]) {
      expect(response.status).toBe(403)
      expect(await code(response)).toBe('forbidden:owner')
    }
  })

  it('the owner renames a chat; the title stays through the next answer and a bad title is a 400 that changes nothing', async () => {
    const rename = (body: unknown) =>
      alice.fetch(url(`/api/chats/${owned.chat}`), { method: 'PATCH', headers: json, body: JSON.stringify(body) })
    const renamed = await rename({ title: '  Sums   with alice ' })
    expect(renamed.status).toBe(200)
    expect(await renamed.json()).toMatchObject({ id: owned.chat, title: 'Sums with alice' })
    for (const bad of [{ title: '' }, { title: 'x'.repeat(101) }, { name: 'x' }, { title: 7 }]) {
      const refused = await rename(bad)
      expect(refused.status).toBe(400)
      expect(await code(refused)).toMatch(/^bad_request:/)
    }
    await readChunks(await askChat(server.baseUrl, owned.chat, 'And 7 * 8?', alice.fetch))
    const listed = (await (await alice.fetch(url('/api/chats'))).json()) as { chats: Array<{ id: string; title: string }> }
    expect(listed.chats.find((c) => c.id === owned.chat)?.title).toBe('Sums with alice')
    expect((await rename({ title: null })).status).toBe(200)
    expect(((await (await alice.fetch(url(`/api/chats/${owned.chat}`))).json()) as { title: string }).title).toBe('What is 6 * 7?')
    expect((await alice.fetch(url('/api/chats/nobody-has-this'), { method: 'PATCH', headers: json, body: '{"title":"x"}' })).status).toBe(
      404,
    )
  })

  it('uploads are private: bob can neither read, overwrite nor delete alice’s', async () => {
    for (const [method, path] of [
      ['GET', `/api/uploads/${owned.upload}`],
      ['PUT', `/api/uploads/${owned.upload}`],
      ['DELETE', `/api/uploads/${owned.upload}`],
      ['GET', `/api/uploads/sessions/${owned.session}`],
      ['DELETE', `/api/uploads/sessions/${owned.session}`],
    ] as const) {
      const response = await bob.fetch(url(path), { method, body: method === 'PUT' ? 'evil' : undefined })
      expect(response.status, `${method} ${path}`).toBe(403)
    }
    // Without any cookie (curl): a stranger, refused the same way.
    expect((await anonymousFetch(url(`/api/uploads/${owned.upload}`), { method: 'DELETE' })).status).toBe(403)
    expect(await (await alice.fetch(url(`/api/uploads/${owned.upload}`))).text()).toBe('hello')
  })

  it('imports and jobs: the jobs token is needed, only the owner cancels, only the operator reseeds the shared table', async () => {
    const noToken = await alice.fetch(url('/api/jobs/import'), {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ source: 'generated', rows: 10 }),
    })
    expect(noToken.status).toBe(401)
    expect(await code(noToken)).toBe('unauthorized:token')
    const wrongToken = await alice.fetch(url('/api/jobs/import'), {
      method: 'POST',
      headers: { ...json, ...bearer('not-the-jobs-token') },
      body: '{}',
    })
    expect(wrongToken.status).toBe(401)
    const cancel = `/api/jobs/import?stream=${owned.importId}`
    expect((await bob.fetch(url(cancel), { method: 'DELETE', headers: bearer(JOBS) })).status).toBe(403)
    expect((await bob.fetch(url(`/api/jobs/import/${owned.importId}`))).status).toBe(403)
    expect((await alice.fetch(url(cancel), { method: 'DELETE', headers: bearer(JOBS) })).status).toBe(202)
    const wipe = await alice.fetch(url('/api/jobs/export/table'), { method: 'POST', headers: json, body: JSON.stringify({ rows: 0 }) })
    expect(wipe.status).toBe(401)
    const seeded = await anonymousFetch(url('/api/jobs/export/table'), {
      method: 'POST',
      headers: { ...json, ...bearer(OPERATOR) },
      body: JSON.stringify({ rows: 10 }),
    })
    expect(seeded.status).toBe(200)
  })

  it('the demo streams and exports belong to their visitor; their writes need the owner, not just the streams token', async () => {
    const export_ = await alice.fetch(url('/api/jobs/export/durable'), {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ format: 'csv' }),
    })
    expect(export_.status).toBe(202)
    const { id } = (await export_.json()) as { id: string }
    expect((await anonymousFetch(url(`/api/durable/${id}`), { method: 'DELETE', headers: bearer(STREAMS) })).status).toBe(403)
    expect((await bob.fetch(url(`/api/durable/${owned.stream}`), { method: 'DELETE' })).status).toBe(403)
    // A stream nobody owns (made with the streams token, no cookie) is the writers': the token is needed.
    const free = await anonymousFetch(url('/api/durable'), {
      method: 'POST',
      headers: { ...json, ...bearer(STREAMS) },
      body: JSON.stringify({ namespace: 'free' }),
    })
    expect(free.status).toBe(201)
    const freeId = ((await free.json()) as { id: string }).id
    expect((await anonymousFetch(url(`/v1/stream/${freeId}`), { method: 'DELETE' })).status).toBe(401)
    expect((await anonymousFetch(url(`/v1/stream/${freeId}`), { method: 'DELETE', headers: bearer(STREAMS) })).status).toBe(204)
    // The operator manages anything.
    expect((await anonymousFetch(url(`/api/durable/${id}`), { method: 'DELETE', headers: bearer(OPERATOR) })).status).toBe(204)
  })

  it('running work is capped per visitor, with Retry-After, and another visitor is not held back', async () => {
    const start = (who: typeof alice) =>
      who.fetch(url('/api/durable/demo/logs'), { method: 'POST', headers: json, body: JSON.stringify({ lines: 20, intervalMs: 100 }) })
    const carol = newVisitor()
    expect((await start(carol)).status).toBe(202)
    expect((await start(carol)).status).toBe(202)
    const third = await start(carol)
    expect(third.status).toBe(429)
    expect(third.headers.get('retry-after')).toBe('5')
    expect(await code(third)).toBe('rate_limited:demo')
    expect((await start(newVisitor())).status).toBe(202)
  })

  it('the chat’s search tool looks only through the asking visitor’s own chats', async () => {
    const word = `quokka${randomUUID().slice(0, 6)}`
    await readChunks(await askChat(server.baseUrl, `note-${randomUUID().slice(0, 8)}`, `Please remember ${word}`, alice.fetch))
    const searched = async (who: typeof alice) => {
      const chunks = await readChunks(await askChat(server.baseUrl, `ask-${randomUUID().slice(0, 8)}`, `Search for ${word}`, who.fetch))
      const output = chunks.find((c) => c.type === 'tool-output-available') as { output: { total: number } } | undefined
      expect(output, JSON.stringify(chunks.map((c) => c.type))).toBeDefined()
      return output!.output.total
    }
    expect(await searched(alice)).toBe(1)
    expect(await searched(bob)).toBe(0)
  })

  it('deleting a chat deletes its answer streams', async () => {
    const chat = `gone-${randomUUID().slice(0, 8)}`
    const answer = await askChat(server.baseUrl, chat, 'hello', alice.fetch)
    const generation = answer.headers.get('x-sluice-generation')!
    await readChunks(answer)
    expect((await alice.fetch(url(`/v1/stream/${generation}?offset=-1`))).status).toBe(200)
    expect((await alice.fetch(url(`/api/chats/${chat}`), { method: 'DELETE' })).status).toBe(204)
    expect((await alice.fetch(url(`/v1/stream/${generation}?offset=-1`))).status).toBe(404)
  })
})

describe('cross-site requests to the pages’ endpoints are refused', () => {
  it('by Sec-Fetch-Site and by Origin, with a JSON 403; same-origin and non-browser clients pass', async () => {
    const attempts: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
    ]
    for (const headers of attempts) {
      const drop = await alice.fetch(url('/api/feed/drop'), { method: 'POST', headers })
      expect(drop.status, JSON.stringify(headers)).toBe(403)
      expect(await code(drop)).toBe('forbidden:cross_site')
    }
    // A "simple" cross-site POST (text/plain) that would have started an import.
    const simple = await alice.fetch(url('/api/jobs/import?source=upload'), {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site', ...bearer(JOBS) },
      body: 'a,b\n',
    })
    expect(simple.status).toBe(403)
    expect(
      (await alice.fetch(url('/api/feed/drop'), { method: 'POST', headers: { 'sec-fetch-site': 'same-origin', origin: server.baseUrl } }))
        .status,
    ).toBe(200)
    expect((await alice.fetch(url('/api/feed/drop'), { method: 'POST', headers: { origin: server.baseUrl } })).status).toBe(200)
    // Behind a proxy that rewrites Host the Origin names the public host: the browser's own
    // Sec-Fetch-Site is what counts.
    expect(
      (
        await alice.fetch(url('/api/feed/drop'), {
          method: 'POST',
          headers: { 'sec-fetch-site': 'same-origin', origin: 'https://sluice.example' },
        })
      ).status,
    ).toBe(200)
    expect((await alice.fetch(url('/api/feed/drop'), { method: 'POST' })).status).toBe(200)
  })
})

describe('every row of the access table, called by a second visitor on the first one’s things', () => {
  /** The path of `key` with alice's resource ids in its parameters. */
  function pathOf(key: RouteKey): string {
    const [, route] = key.split(' ') as [string, string]
    const row = accessTable[key] as { resource?: { kind: string; id: unknown } }
    const ids: Record<string, string> = {
      chat: owned.chat,
      stream: owned.stream,
      upload: owned.upload,
      'upload-session': owned.session,
      'typed-stream': owned.importId,
    }
    const id = ids[row.resource?.kind ?? ''] ?? 'x'
    return (
      route
        .replace('[...path]', route.startsWith('/v1/') ? id : 'nothing/here')
        .replace(/\[(\.\.\.)?[a-z]+\]/g, id)
        // A resource named in the query string (a typed stream's `?stream=`) gets alice's id there.
        .concat(
          typeof row.resource?.id === 'object' && row.resource.id !== null && 'query' in row.resource.id
            ? `?${String(row.resource.id.query)}=${id}`
            : '',
        )
    )
  }

  it('refuses owner, operator and owned-writer rows, and lets the others through to their handler', async () => {
    const report: string[] = []
    for (const key of Object.keys(accessTable) as RouteKey[]) {
      const row = accessTable[key] as { who: string; resource?: { kind: string; id: unknown } }
      const method = key.split(' ')[0]!
      const path = pathOf(key)
      const body = ['POST', 'PUT', 'PATCH'].includes(method)
        ? key === 'POST /api/chat'
          ? JSON.stringify({ id: owned.chat, trigger: 'regenerate-message' })
          : '{}'
        : undefined
      const response = await bob.fetch(url(path), { method, headers: { ...json, ...bearer(JOBS) }, body })
      const status = response.status
      await response.body?.cancel()
      const refused = status === 401 || status === 403
      // Bob holds no streams token: every writer row refuses him (alice's stream is hers; the rest need the token).
      const shouldRefuse = row.who === 'owner' || row.who === 'operator' || row.who === 'writer'
      if (refused !== shouldRefuse) report.push(`${key} → ${path}: ${status} (${row.who})`)
    }
    expect(report).toEqual([])
  })

  it('lets the operator through every row, on anyone’s things (read-only calls, so nothing is spent)', async () => {
    const report: string[] = []
    for (const key of Object.keys(accessTable) as RouteKey[]) {
      const method = key.split(' ')[0]!
      if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) continue
      const path = pathOf(key)
      const response = await anonymousFetch(url(path), { method, headers: bearer(OPERATOR) })
      await response.body?.cancel()
      if (response.status === 401 || response.status === 403) report.push(`${key} → ${path}: ${response.status}`)
    }
    expect(report).toEqual([])
  })
})
