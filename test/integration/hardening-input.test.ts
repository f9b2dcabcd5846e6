import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startServer, type TestServer } from '../support/server'
import { cookieHeader } from '../support/visitor'

/** The operator lists every stream (a visitor's list holds only its own): docs/security.md. */
const OPERATOR = 'hardening-operator-token-0123'
const operator = { authorization: `Bearer ${OPERATOR}` }

/**
 * Input that a security review found to break things, against the production build: each is a
 * 4xx with the app's JSON error and stores nothing, and the server keeps answering afterwards.
 * (Forwarding headers believed with SLUICE_TRUST_PROXY=1: `hardening-trusted-proxy.test.ts`.)
 */
let server: TestServer

beforeAll(async () => {
  server = await startServer({ env: { SLUICE_OPERATOR_TOKEN: OPERATOR } })
})
afterAll(async () => {
  await server?.stop()
})

let counter = 0
/** A fresh stream URL under /v1/stream/hardening/. */
const streamUrl = (name: string) => `${server.baseUrl}/v1/stream/hardening/${name}-${Date.now()}-${counter++}`

/** The status and JSON error code of a refused request. */
async function refusal(response: Response): Promise<{ status: number; code: string }> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  const body = (await response.json()) as { error: { code: string; message: string } }
  expect(body.error.message).toEqual(expect.any(String))
  return { status: response.status, code: body.error.code }
}

const put = (url: string, headers: Record<string, string> = {}, body?: string) =>
  fetch(url, { method: 'PUT', headers: { 'Content-Type': 'text/plain', ...headers }, body })
const postJson = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body })

/** A request with raw node:http, so that a header can be sent twice. */
function rawRequest(url: string, method: string, headers: OutgoingHttpHeaders, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // The test file's visitor, as its fetch has it: the streams it made are its own.
    const cookie = cookieHeader(url)
    const req = httpRequest(url, { method, headers: cookie === undefined ? headers : { cookie, ...headers } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** The listing and metadata endpoints still answer (a stored bad expiry used to break them for everyone). */
async function apiStillAnswers(): Promise<void> {
  const list = await fetch(`${server.baseUrl}/api/durable?limit=1000`, { headers: operator })
  expect(list.status).toBe(200)
  const { streams } = (await list.json()) as { streams: { id: string }[] }
  for (const { id } of streams) expect((await fetch(`${server.baseUrl}/api/durable/${id}`, { headers: operator })).status).toBe(200)
}

describe('Stream-TTL and Stream-Expires-At are bounded (1 s to 90 days; in the future, at most 90 days ahead)', () => {
  test.each(['8640000000000', '7776001', '0'])('Stream-TTL: %s is a 400 bad_request:ttl and creates nothing', async (ttl) => {
    const url = streamUrl('ttl')
    expect(await refusal(await put(url, { 'Stream-TTL': ttl }))).toEqual({ status: 400, code: 'bad_request:ttl' })
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(404)
    await apiStillAnswers()
  })

  test.each([
    ['a year far ahead', '9999-12-31T23:59:59Z'],
    ['91 days ahead', () => new Date(Date.now() + 91 * 86_400_000).toISOString()],
    ['in the past', () => new Date(Date.now() - 60_000).toISOString()],
  ])('Stream-Expires-At %s is a 400 bad_request:expiry and creates nothing', async (_, at) => {
    const url = streamUrl('expires')
    const value = typeof at === 'string' ? at : at()
    expect(await refusal(await put(url, { 'Stream-Expires-At': value }))).toEqual({ status: 400, code: 'bad_request:expiry' })
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(404)
    await apiStillAnswers()
  })

  test('the bounds themselves are accepted and listed', async () => {
    const bounds: Record<string, string>[] = [
      { 'Stream-TTL': '1' },
      { 'Stream-TTL': '7776000' },
      { 'Stream-Expires-At': new Date(Date.now() + 89 * 86_400_000).toISOString() },
    ]
    for (const headers of bounds) {
      expect((await put(streamUrl('bounds'), headers)).status).toBe(201)
    }
    await apiStillAnswers()
  })
})

describe('JSON nesting is bounded (128 levels)', () => {
  const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels)
  const deepObject = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`

  test('an append nested 100 000 deep is a 400 bad_request:json_depth and appends nothing', async () => {
    const url = streamUrl('json')
    expect((await put(url, { 'Content-Type': 'application/json' }, '[{"n":1}]')).status).toBe(201)
    for (const body of [deep(100_000), deepObject, `[1, ${deep(128)}]`]) {
      expect(await refusal(await postJson(url, body))).toEqual({ status: 400, code: 'bad_request:json_depth' })
    }
    expect(await (await fetch(url)).json()).toEqual([{ n: 1 }])
    // 128 levels counting the outer array: the message itself is 127 deep.
    expect((await postJson(url, deep(128))).status).toBe(204)
    expect(await (await fetch(url)).json()).toEqual([{ n: 1 }, JSON.parse(deep(127))])
  })

  test('a create with a body nested too deep is refused and creates nothing', async () => {
    const url = streamUrl('json-create')
    expect(await refusal(await put(url, { 'Content-Type': 'application/json' }, deep(100_000)))).toEqual({
      status: 400,
      code: 'bad_request:json_depth',
    })
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(404)
  })

  test('the JSON API (parseJsonBody) refuses it before parsing', async () => {
    const response = await postJson(`${server.baseUrl}/api/durable`, deepObject)
    expect(await refusal(response)).toEqual({ status: 400, code: 'bad_request:json_depth' })
  })
})

describe('protocol header values: at most 256 characters, never sent twice', () => {
  test('Producer-Id sent twice (joined into "a, b" by Node.js) is a 400 and appends nothing', async () => {
    const url = streamUrl('dup')
    expect((await put(url, {}, 'start;')).status).toBe(201)
    const response = await rawRequest(
      url,
      'POST',
      { 'Content-Type': 'text/plain', 'Producer-Id': ['a', 'b'], 'Producer-Epoch': '0', 'Producer-Seq': '0' },
      'x',
    )
    expect(response.status).toBe(400)
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'bad_request:header_repeated' } })
    const seq = await rawRequest(url, 'POST', { 'Content-Type': 'text/plain', 'Stream-Seq': ['1', '2'] }, 'y')
    expect(seq.status).toBe(400)
    expect(await (await fetch(url)).text()).toBe('start;')
    // Sent once, the same producer appends.
    const once = await rawRequest(
      url,
      'POST',
      { 'Content-Type': 'text/plain', 'Producer-Id': 'a', 'Producer-Epoch': '0', 'Producer-Seq': '0' },
      'x',
    )
    expect(once.status).toBe(200)
  })

  test('a Producer-Id or Stream-Seq over 256 characters is a 400 bad_request:header_length', async () => {
    const url = streamUrl('long')
    expect((await put(url)).status).toBe(201)
    const producer = (id: string) => ({ 'Producer-Id': id, 'Producer-Epoch': '0', 'Producer-Seq': '0' })
    const append = (headers: Record<string, string>) =>
      fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/plain', ...headers }, body: 'x' })
    expect(await refusal(await append(producer('p'.repeat(257))))).toEqual({ status: 400, code: 'bad_request:header_length' })
    expect(await refusal(await append({ 'Stream-Seq': 's'.repeat(10_000) }))).toEqual({ status: 400, code: 'bad_request:header_length' })
    expect(await (await fetch(url)).text()).toBe('')
    expect((await append(producer('p'.repeat(256)))).status).toBe(200)
  })
})

describe('JSON streams are read from message boundaries only', () => {
  test('an offset inside a message is a 400 in catch-up, long-poll and SSE; offsets the server gave work', async () => {
    const url = streamUrl('boundaries')
    const created = await put(url, { 'Content-Type': 'application/json' }, '[{"n":1}]')
    const afterFirst = created.headers.get('Stream-Next-Offset')!
    expect((await postJson(url, '[{"n":2},{"n":3}]')).status).toBe(204)
    const inside = '0000000000000000_0000000000000003' // within {"n":1}
    for (const query of ['', '&live=long-poll', '&live=sse']) {
      expect(await refusal(await fetch(`${url}?offset=${inside}${query}`))).toEqual({ status: 400, code: 'bad_request:offset' })
    }
    const rest = await fetch(`${url}?offset=${afterFirst}`)
    expect(rest.status).toBe(200)
    expect(await rest.json()).toEqual([{ n: 2 }, { n: 3 }])
    // A text stream has no messages: any offset up to the tail is a place to read from.
    const text = streamUrl('text')
    await put(text, {}, 'hello')
    expect(await (await fetch(`${text}?offset=${inside}`)).text()).toBe('lo')
  })

  test('a fork of a JSON stream must start at a boundary too', async () => {
    const source = streamUrl('fork-src')
    await put(source, { 'Content-Type': 'application/json' }, '[{"n":1},{"n":2}]')
    const fork = (offset: string) =>
      put(streamUrl('fork'), {
        'Content-Type': 'application/json',
        'Stream-Forked-From': new URL(source).pathname,
        'Stream-Fork-Offset': offset,
      })
    expect(await refusal(await fork('0000000000000000_0000000000000003'))).toEqual({ status: 400, code: 'bad_request:fork_offset' })
    expect((await fork('0000000000000000_0000000000000008')).status).toBe(201) // after '{"n":1}\n'
  })
})

describe('malformed percent-encoding in a path is a 400 bad_request:path (requests without a body)', () => {
  test.each([
    '/api/uploads/%ff',
    '/v1/stream/%ff',
    '/v1/stream/a/%e2%82',
    '/chat/%ff',
    '/api/chats/%ff',
    '/api/durable/%ff',
    '/api/chat/%ff/stream',
  ])('GET %s', async (path) => {
    expect(await refusal(await fetch(`${server.baseUrl}${path}`))).toEqual({ status: 400, code: 'bad_request:path' })
  })

  test('the protocol answers it with its CORS headers, for HEAD and DELETE too', async () => {
    const response = await fetch(`${server.baseUrl}/v1/stream/%ff`)
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    expect((await fetch(`${server.baseUrl}/v1/stream/%ff`, { method: 'HEAD' })).status).toBe(400)
    expect((await fetch(`${server.baseUrl}/v1/stream/%ff`, { method: 'DELETE' })).status).toBe(400)
  })

  test('a path with an encoded % still works, with and without a body', async () => {
    const url = `${server.baseUrl}/v1/stream/hardening/100%25-${Date.now()}` // decoded: 100%-…, which looks malformed
    expect((await put(url, {}, 'all of it')).status).toBe(201)
    expect(await (await fetch(url)).text()).toBe('all of it')
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(204)
  })
})

describe('X-Forwarded-Host and X-Forwarded-Proto are not believed unless configured', () => {
  const forged = { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' }

  test('Location of a created stream is on the Host the client used', async () => {
    const url = streamUrl('forwarded')
    const response = await put(url, forged)
    expect(response.status).toBe(201)
    expect(response.headers.get('location')).toBe(url)
  })

  test('the url of the JSON API is too', async () => {
    const created = await postJson(`${server.baseUrl}/api/durable`, JSON.stringify({ namespace: 'hardening' }), forged)
    expect(created.status).toBe(201)
    const { id, url } = (await created.json()) as { id: string; url: string }
    expect(url).toBe(`${server.baseUrl}/v1/stream/${id}`)
    const info = (await (await fetch(`${server.baseUrl}/api/durable/${id}`, { headers: forged })).json()) as { url: string }
    expect(info.url).toBe(url)
  })
})
