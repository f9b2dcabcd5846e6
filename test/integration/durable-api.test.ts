import { request as httpRequest } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { startServer, type TestServer } from '../support/server'
import { answeredByAppRouter, APP_ROUTER_TWIN } from '../support/transport'
import { waitFor, within } from '../support/wait'

/**
 * The application side of durable streams over HTTP: the JSON API (`/api/durable`), bearer-token
 * protection of writes, gzip at rest served to clients that do and do not accept it, the
 * background demo producers (`after()`), and refusal of bad input.
 */
const TOKEN = 'test-token-for-writes'
const auth = { Authorization: `Bearer ${TOKEN}` }
/** The operator sees every stream; a visitor's list holds only the streams it owns (docs/security.md). */
const OPERATOR = 'test-operator-token-0123'
const operator = { Authorization: `Bearer ${OPERATOR}` }
let server: TestServer

beforeAll(async () => {
  server = await startServer({
    env: { SLUICE_STREAMS_TOKEN: TOKEN, SLUICE_OPERATOR_TOKEN: OPERATOR, SLUICE_STREAMS_MAX_APPEND_BYTES: String(64 * 1024) },
  })
})
afterAll(async () => {
  await server?.stop()
})

const api = (path: string, init?: RequestInit) => fetch(`${server.baseUrl}${path}`, init)
const postJson = (path: string, body: unknown, headers: Record<string, string> = auth) =>
  api(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) })

/** GET with a raw Node request, so no client-side decompression hides what the server sent. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
      .on('error', reject)
      .end()
  })
}

describe('writes need the bearer token when SLUICE_STREAMS_TOKEN is set', () => {
  // The public URL is served by the Pages API route; `X-Sluice-Transport: app-router` reaches the App
  // Router twin (next.config.ts). The same guard, refusals (with their CORS headers) and protocol core.
  test.each([
    ['Pages API route (the public URL)', {}, false],
    ['App Router twin', APP_ROUTER_TWIN, true],
  ] as const)('%s: protocol PUT/POST/DELETE are refused without it, accepted with it; reads are open', async (_, transport, appRouter) => {
    const url = `${server.baseUrl}/v1/stream/auth/s-${Date.now()}-${appRouter}`
    const call = (init: RequestInit = {}) => fetch(url, { ...init, headers: { ...transport, ...(init.headers as Record<string, string>) } })
    const anonymous = await call({ method: 'PUT', headers: { 'Content-Type': 'text/plain' } })
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/)
    expect(anonymous.headers.get('access-control-allow-origin')).toBe('*') // a browser client can read the refusal
    expect(answeredByAppRouter(anonymous.headers.get('vary'))).toBe(appRouter) // the transport that answered
    expect((await anonymous.json()).error.code).toBe('unauthorized:token')
    expect((await call({ method: 'PUT', headers: { Authorization: 'Bearer wrong' } })).status).toBe(401)
    expect((await call({ method: 'HEAD' })).status).toBe(404) // nothing was created

    expect((await call({ method: 'PUT', headers: { 'Content-Type': 'text/plain', ...auth } })).status).toBe(201)
    expect((await call({ method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' })).status).toBe(401)
    const appended = await call({ method: 'POST', headers: { 'Content-Type': 'text/plain', ...auth }, body: 'hello' })
    expect(appended.status).toBe(204)
    expect(appended.headers.get('stream-next-offset')).toBe((await call({ method: 'HEAD' })).headers.get('stream-next-offset'))
    const wrongType = await call({ method: 'POST', headers: { 'Content-Type': 'application/json', ...auth }, body: '{}' })
    expect(wrongType.status).toBe(409)
    expect(await (await call()).text()).toBe('hello')
    const preflight = await call({ method: 'OPTIONS', headers: { 'Access-Control-Request-Headers': 'authorization' } })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization')
    expect((await call({ method: 'PATCH', headers: auth })).status).toBe(405)
    expect((await call({ method: 'DELETE' })).status).toBe(401)
    expect((await call({ method: 'DELETE', headers: auth })).status).toBe(204)
  })

  test('the JSON API refuses to create or delete without it', async () => {
    expect((await postJson('/api/durable', { namespace: 'auth' }, {})).status).toBe(401)
    const created = await (await postJson('/api/durable', { namespace: 'auth' })).json()
    expect((await api(`/api/durable/${created.id}`, { method: 'DELETE' })).status).toBe(401)
    expect((await api(`/api/durable/${created.id}`, { method: 'DELETE', headers: auth })).status).toBe(204)
  })
})

describe('JSON API', () => {
  test('create with options, append over the protocol, read metadata, list with filters and pages', async () => {
    const tag = `t${Date.now()}`
    const response = await postJson('/api/durable', { namespace: 'reports', contentType: 'text/csv', metadata: { tag, n: '1' }, ttl: 3600 })
    expect(response.status).toBe(201)
    const created = await response.json()
    expect(created).toMatchObject({ namespace: 'reports', contentType: 'text/csv', closed: false, sizeBytes: 0, metadata: { tag, n: '1' } })
    expect(created.id).toMatch(/^reports\/[A-Za-z0-9_-]{22}$/)
    expect(created.url).toBe(`${server.baseUrl}/v1/stream/${created.id}`)

    const append = await fetch(created.url, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv', 'Stream-Closed': 'true', ...auth },
      body: 'a,b\n',
    })
    expect(append.status).toBe(204)
    expect(await (await api(`/api/durable/${created.id}`)).json()).toMatchObject({ sizeBytes: 4, closed: true })

    await postJson('/api/durable', { namespace: 'reports', metadata: { tag, n: '2' } })
    await postJson('/api/durable', { namespace: 'reports', metadata: { tag, n: '3' } })
    // Made with the streams token and no visitor cookie: nobody owns them, the operator lists them.
    expect((await (await api(`/api/durable?namespace=reports&meta.tag=${tag}`)).json()).total).toBe(0)
    const list = await (await api(`/api/durable?namespace=reports&meta.tag=${tag}&limit=2`, { headers: operator })).json()
    expect(list).toMatchObject({ total: 3, limit: 2, offset: 0 })
    expect(list.streams.map((s: { metadata: { n: string } }) => s.metadata.n)).toEqual(['3', '2'])
    const page = await (await api(`/api/durable?namespace=reports&meta.tag=${tag}&limit=2&offset=2`, { headers: operator })).json()
    expect(page.streams.map((s: { id: string }) => s.id)).toEqual([created.id])
    const one = await (await api(`/api/durable?meta.tag=${tag}&meta.n=2`, { headers: operator })).json()
    expect(one.total).toBe(1)
  })

  test('bad input gets a 4xx with the JSON error and stores nothing', async () => {
    const tag = `bad${Date.now()}`
    const cases: [unknown, number, string][] = [
      [{ namespace: 'reports', ttl: 30, metadata: { tag } }, 400, 'bad_request:ttl'],
      [{ namespace: 'Not Valid', metadata: { tag } }, 400, 'bad_request:body'],
      [{ namespace: 'reports', contentType: 'nonsense', metadata: { tag } }, 400, 'bad_request:body'],
    ]
    for (const [body, status, code] of cases) {
      const response = await postJson('/api/durable', body)
      expect(response.status).toBe(status)
      expect((await response.json()).error.code).toBe(code)
    }
    expect((await api('/api/durable?limit=1001')).status).toBe(400)
    expect((await api('/api/durable/reports/does-not-exist')).status).toBe(404)
    expect((await (await api(`/api/durable?meta.tag=${tag}`)).json()).total).toBe(0)
  })

  test('an append over the size limit is refused with 413 and changes nothing', async () => {
    const url = `${server.baseUrl}/v1/stream/limits/s-${Date.now()}`
    await fetch(url, { method: 'PUT', headers: { 'Content-Type': 'application/octet-stream', ...auth } })
    const big = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', ...auth },
      body: new Uint8Array(64 * 1024 + 1),
    })
    expect(big.status).toBe(413)
    expect((await big.json()).error.code).toBe('too_large:append')
    expect((await fetch(url, { method: 'HEAD' })).headers.get('Stream-Next-Offset')).toBe('0000000000000000_0000000000000000')
  })
})

describe('gzip at rest', () => {
  test('read back decompressed by every client; ?download=gzip hands out the stored gzip file', async () => {
    const created = await (await postJson('/api/durable', { namespace: 'gz', contentType: 'text/csv', compress: true })).json()
    const rows = 'id,name,email\n'.repeat(4_000)
    await fetch(created.url, { method: 'POST', headers: { 'Content-Type': 'text/csv', 'Stream-Closed': 'true', ...auth }, body: rows })
    // Compression runs in the background after the close.
    await vi.waitFor(async () => expect((await (await api(`/api/durable/${created.id}`)).json()).compressedAtRest).toBe(true), {
      timeout: 15_000,
    })

    // Next.js route handlers cannot send Content-Encoding, so reads are decompressed on the server.
    for (const acceptEncoding of ['gzip', 'identity']) {
      const read = await rawGet(created.url, { 'Accept-Encoding': acceptEncoding })
      expect(read.headers['content-encoding']).toBeUndefined()
      expect(read.body.toString()).toBe(rows)
    }
    const tail = await rawGet(`${created.url}?offset=0000000000000000_0000000000000014`, {})
    expect(tail.body.toString()).toBe(rows.slice(14))

    const gz = await rawGet(`${created.url}?download=gzip`, {})
    expect(gz.headers['content-type']).toBe('application/gzip')
    expect(gz.headers['content-disposition']).toMatch(/^attachment; filename="gz-[A-Za-z0-9_-]+\.csv\.gz"$/)
    expect(gz.body.byteLength).toBeLessThan(rows.length / 20)
    expect(gunzipSync(gz.body).toString()).toBe(rows)

    const file = await rawGet(`${created.url}?download`, {})
    expect(file.headers['content-disposition']).toMatch(/\.csv"$/)
    expect(file.body.toString()).toBe(rows)
  })

  test('?download=gzip of a stream not stored compressed is a 409', async () => {
    const created = await (await postJson('/api/durable', { namespace: 'gz', contentType: 'text/plain' })).json()
    const response = await fetch(`${created.url}?download=gzip`)
    expect(response.status).toBe(409)
    expect((await response.json()).error.code).toBe('conflict:encoding')
  })
})

describe('background demo producers (after())', () => {
  test('the log producer answers at once and keeps writing after the response', async () => {
    const started = await postJson('/api/durable/demo/logs', { lines: 5, intervalMs: 100 }, {})
    expect(started.status).toBe(202)
    const { url } = await started.json()
    const head = await fetch(url, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('Stream-Closed')).toBeNull() // still being written

    let offset = '-1'
    let text = ''
    await waitFor(
      'the log producer to close its stream',
      async () => {
        const res = await fetch(`${url}?offset=${offset}&live=long-poll`)
        if (res.status === 200) text += await res.text()
        offset = res.headers.get('Stream-Next-Offset')!
        return res.headers.get('Stream-Closed') === 'true'
      },
      15_000,
      0,
    )
    const lines = text.trimEnd().split('\n')
    expect(lines.map((l) => /line (\d+) of 5$/.exec(l)?.[1])).toEqual(['1', '2', '3', '4', '5'])
  })

  test('the CSV export writes every row, then is compressed at rest', async () => {
    const { id, url } = await (await postJson('/api/durable/demo/export', { rows: 5_000 }, {})).json()
    await vi.waitFor(async () => expect((await (await api(`/api/durable/${id}`)).json()).compressedAtRest).toBe(true), { timeout: 15_000 })
    const csv = await (await fetch(url)).text()
    const lines = csv.trimEnd().split('\n')
    expect(lines[0]).toBe('id,name,email,created')
    expect(lines).toHaveLength(5_001)
    expect(lines[5_000]!.startsWith('4999,')).toBe(true)
  })
})

describe('Next.js route handlers do not buffer or hold on to live reads', () => {
  const active = async (kind: string) =>
    ((await (await api('/api/health')).json()) as { activeByKind: Record<string, number> }).activeByKind[kind] ?? 0

  test('an SSE reader gets data while the stream is open, and leaving frees the server side', async () => {
    const url = `${server.baseUrl}/v1/stream/live/sse-${Date.now()}`
    await fetch(url, { method: 'PUT', headers: { 'Content-Type': 'text/plain', ...auth } })
    const controller = new AbortController()
    const res = await fetch(`${url}?offset=-1&live=sse`, { signal: controller.signal })
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    let seen = ''
    const until = (text: string) =>
      within(
        `${text} in the SSE response (so far: ${JSON.stringify(seen)})`,
        (async () => {
          while (!seen.includes(text)) seen += (await reader.read()).value ?? ''
        })(),
      )
    await until('"upToDate":true')
    await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/plain', ...auth }, body: 'first part' })
    await until('data:first part') // delivered at once, not when the response ends
    expect(await active('durable-sse')).toBe(1)
    controller.abort()
    await vi.waitFor(async () => expect(await active('durable-sse')).toBe(0), { timeout: 10_000 })
  })

  test('an aborted long-poll stops waiting at once (request.signal reaches the handler)', async () => {
    const url = `${server.baseUrl}/v1/stream/live/lp-${Date.now()}`
    await fetch(url, { method: 'PUT', headers: { 'Content-Type': 'text/plain', ...auth } })
    const controller = new AbortController()
    const polling = fetch(`${url}?offset=now&live=long-poll`, { signal: controller.signal }).catch(() => 'aborted')
    await vi.waitFor(async () => expect(await active('durable-long-poll')).toBe(1), { timeout: 10_000 })
    controller.abort()
    expect(await polling).toBe('aborted')
    // The server's long-poll timeout is 25 s here: the wait ends because the request was aborted.
    await vi.waitFor(async () => expect(await active('durable-long-poll')).toBe(0), { timeout: 10_000 })
  })
})
