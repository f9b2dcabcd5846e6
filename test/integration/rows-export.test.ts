import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deferred, sleep } from '@/lib/async'
import { startServer, type TestServer } from '../support/server'
import { waitFor, within } from '../support/wait'
import { newVisitor } from '../support/visitor'

/**
 * `POST /api/jobs/export/rows` against the production build: rows sent as NDJSON or a JSON array,
 * read as the body arrives and written as CSV into a durable stream the caller owns
 * (docs/durable-streams.md, "Export rows sent in the request").
 */
const MAX_BODY = 6_000_000
/** The operator lists every stream, whoever owns it: nothing left behind can hide from it. */
const OPERATOR = 'rows-export-operator-token'
let server: TestServer

beforeAll(async () => {
  server = await startServer({
    env: { SLUICE_MAX_BODY_BYTES: String(MAX_BODY), SLUICE_RUNNING_PER_VISITOR: '2', SLUICE_OPERATOR_TOKEN: OPERATOR },
  })
})
afterAll(async () => {
  await server?.stop()
})

const url = (path: string) => `${server.baseUrl}${path}`
const encoder = new TextEncoder()
const NDJSON = { 'content-type': 'application/x-ndjson' }
const JSON_TYPE = { 'content-type': 'application/json' }

/** Row `i` of the test data: quoting, an embedded line break, multibyte text, numbers, booleans, null. */
const row = (i: number) => ({
  id: i,
  name: `name, ${i}`,
  note: i % 7 === 0 ? 'say "hi"\nnext line' : `Zoë 🚀 ${i}`,
  ok: i % 2 === 0,
  x: i % 3 === 0 ? null : i / 4,
})
/** Its CSV record, written out by hand (RFC 4180), not by the code under test. */
const record = (i: number) =>
  `${i},"name, ${i}",${i % 7 === 0 ? '"say ""hi""\nnext line"' : `Zoë 🚀 ${i}`},${i % 2 === 0},${i % 3 === 0 ? '' : i / 4}\r\n`
const HEADER = 'id,name,note,ok,x\r\n'

/** `bytes` cut into pieces of `size` bytes: the cuts fall inside rows and inside multibyte characters. */
function cut(bytes: Uint8Array, size: number): Uint8Array[] {
  const pieces: Uint8Array[] = []
  for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size))
  return pieces
}

/**
 * A request body fed piece by piece as fetch pulls it; before piece `holdAt` it waits for `hold`.
 * `sent()` tells how many pieces fetch has taken so far.
 */
function slowBody(pieces: Uint8Array[], options: { holdAt?: number; hold?: Promise<void> } = {}) {
  let next = 0
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (next === options.holdAt) await options.hold
        if (next === pieces.length) return controller.close()
        controller.enqueue(pieces[next++]!)
      },
    },
    { highWaterMark: 0 },
  )
  return { body, sent: () => next }
}

/** The response's NDJSON lines, one at a time. */
function responseLines(response: Response) {
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let buffered = ''
  return async (): Promise<Record<string, unknown> | undefined> => {
    for (;;) {
      const end = buffered.indexOf('\n')
      if (end >= 0) {
        const line = buffered.slice(0, end)
        buffered = buffered.slice(end + 1)
        return JSON.parse(line) as Record<string, unknown>
      }
      const { done, value } = await reader.read()
      if (done) return undefined
      buffered += decoder.decode(value, { stream: true })
    }
  }
}

/** POSTs `body` to the export; with a stream body, fetch sends it as it is pulled (`duplex: 'half'`). */
function postRows(body: BodyInit, headers: Record<string, string>, query = '', via: typeof fetch = fetch) {
  return via(url(`/api/jobs/export/rows${query}`), { method: 'POST', body, headers, duplex: 'half' } as RequestInit)
}

/** Reads a stream by its URL from the start, following it (long-poll) until `enough` says so or it is closed. */
async function readStream(streamUrl: string, enough: (text: string) => boolean = () => false) {
  const chunks: Uint8Array[] = []
  let offset = '-1'
  const deadline = Date.now() + 30_000
  for (;;) {
    if (Date.now() > deadline)
      throw new Error(
        `Timed out after 30 s reading ${streamUrl}: neither closed nor enough (${Buffer.concat(chunks).byteLength} bytes so far)`,
      )
    const response = await fetch(`${streamUrl}?offset=${offset}${offset === '-1' ? '' : '&live=long-poll'}`)
    if (response.status === 200) chunks.push(new Uint8Array(await response.arrayBuffer()))
    else await response.body?.cancel()
    expect([200, 204], `reading ${streamUrl}`).toContain(response.status)
    offset = response.headers.get('stream-next-offset')!
    const closed = response.headers.get('stream-closed') === 'true'
    const text = Buffer.concat(chunks).toString('utf8')
    if (closed || enough(text)) return { text, closed, offset }
  }
}

const records = (text: string) => text.split('\r\n').length - 1 // CRLF only ends records here: the embedded break is a bare LF

async function myStreams(via: typeof fetch = fetch) {
  const response = await via(url('/api/durable?namespace=export'))
  expect(response.status).toBe(200)
  return (
    (await response.json()) as { streams: Array<{ id: string; closed: boolean; contentType: string; metadata: Record<string, string> }> }
  ).streams
}

/** Every stream of the `export` namespace on the server, as the operator sees them. */
async function allExports(): Promise<string[]> {
  const response = await fetch(url('/api/durable?namespace=export&limit=1000'), { headers: { authorization: `Bearer ${OPERATOR}` } })
  expect(response.status).toBe(200)
  return ((await response.json()) as { streams: Array<{ id: string }> }).streams.map((s) => s.id)
}

async function activeExports(): Promise<number> {
  const health = (await (await fetch(url('/api/health'))).json()) as { activeByKind: Record<string, number> }
  return health.activeByKind['export:rows'] ?? 0
}

describe('POST /api/jobs/export/rows', () => {
  it('writes 50,000 NDJSON rows into the stream as the body arrives: the first rows are readable before the body ends', async () => {
    const ROWS = 50_000
    const bytes = encoder.encode(Array.from({ length: ROWS }, (_, i) => `${JSON.stringify(row(i))}\n`).join(''))
    const pieces = cut(bytes, 70_001)
    const hold = deferred()
    const { body, sent } = slowBody(pieces, { holdAt: 10, hold: hold.promise })

    const response = await within('the 202 before the whole body', postRows(body, NDJSON), 10_000)
    expect(response.status).toBe(202)
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/)
    const next = responseLines(response)
    const first = (await within('the first response line', next(), 10_000)) as { id: string; url: string }
    expect(first.id).toMatch(/^export\/[A-Za-z0-9_-]{22}$/)
    expect(first.url).toBe(url(`/v1/stream/${first.id}`))
    expect(response.headers.get('location')).toBe(first.url)

    // The body is held after its 10th piece: whatever the stream holds came from those pieces.
    const complete = new TextDecoder().decode(bytes.subarray(0, 10 * 70_001)).split('\n').length - 1
    const partial = await within(
      'the first rows in the stream',
      readStream(first.url, (text) => records(text) >= complete + 1),
      15_000,
    )
    expect(sent()).toBe(10)
    expect(partial.closed).toBe(false)
    expect(partial.text).toBe(HEADER + Array.from({ length: complete }, (_, i) => record(i)).join(''))
    const last = next()
    expect(await Promise.race([last, sleep(200).then(() => 'still open')])).toBe('still open') // the response waits for the body
    expect(await activeExports()).toBe(1)

    hold.resolve()
    expect(await within('the outcome', last, 30_000)).toEqual({ rows: ROWS, bytes: expect.any(Number) })
    expect(await next()).toBeUndefined()
    const whole = await readStream(first.url)
    expect(whole.closed).toBe(true)
    expect(whole.text === HEADER + Array.from({ length: ROWS }, (_, i) => record(i)).join(''), 'the whole CSV').toBe(true)
    expect(sent()).toBe(pieces.length)
    expect(await activeExports()).toBe(0)
  })

  it('takes a JSON array (here pretty-printed and cut mid-character), with the columns named in ?columns=', async () => {
    const rows = Array.from({ length: 2_000 }, (_, i) => row(i))
    const { body } = slowBody(cut(encoder.encode(JSON.stringify(rows, null, 2)), 4_099))
    const response = await postRows(body, { 'content-type': 'application/json; charset=utf-8' }, '?columns=note,id,missing')
    expect(response.status).toBe(202)
    const next = responseLines(response)
    const first = (await next()) as { url: string }
    expect(await next()).toEqual({ rows: 2_000, bytes: expect.any(Number) })
    const { text, closed } = await readStream(first.url)
    expect(closed).toBe(true)
    const expected = rows.map((r, i) => `${i % 7 === 0 ? '"say ""hi""\nnext line"' : r.note},${i},\r\n`).join('')
    expect(text).toBe(`note,id,missing\r\n${expected}`)
  })

  it('refuses bad input it sees before answering with the JSON error, and creates nothing', async () => {
    const before = await allExports()
    const refusals: Array<[BodyInit, Record<string, string>, string, number, string]> = [
      ['{"a":1}', JSON_TYPE, '', 400, 'bad_request:rows'], // not an array
      ['[{"a":1},{"a":{"b":2}}]', JSON_TYPE, '', 400, 'bad_request:rows'], // a nested value
      ['{"a":1}\n{"a":[1,2]}\n', NDJSON, '', 400, 'bad_request:rows'],
      ['[{"a":1},]', JSON_TYPE, '', 400, 'bad_request:json'],
      ['[{"a":1}]', { 'content-type': 'text/csv' }, '', 415, 'unsupported_media_type:body'],
      ['[{"a":1}]', JSON_TYPE, '?columns=a,a', 400, 'bad_request:query'],
      [new Uint8Array(MAX_BODY + 1).fill(0x20), JSON_TYPE, '', 413, 'too_large:body'], // over the limit, by its length
    ]
    for (const [body, headers, query, status, code] of refusals) {
      const response = await postRows(body, headers, query)
      expect(response.status, code).toBe(status)
      expect(response.headers.get('content-type')).toMatch(/^application\/json/)
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code)
    }
    expect(await allExports()).toEqual(before)
    expect(await activeExports()).toBe(0)
  })

  it('deletes the stream when the body turns out bad after the 202, and says why in the last line', async () => {
    const good = encoder.encode(Array.from({ length: 100 }, (_, i) => `${JSON.stringify(row(i))}\n`).join(''))
    const failures: Array<[string, Uint8Array[]]> = [
      ['bad_request:rows', [good, encoder.encode('{"id":100,"tags":["nested"]}\n')]],
      ['bad_request:json', [good, encoder.encode('{"id":100,}\n')]],
      ['too_large:body', [good, ...Array.from({ length: 70 }, () => new Uint8Array(100_000).fill(0x0a))]], // blank lines over the limit, without a length
    ]
    for (const [code, pieces] of failures) {
      const hold = deferred()
      const { body } = slowBody(pieces, { holdAt: 1, hold: hold.promise })
      const response = await within(`${code}: the 202`, postRows(body, NDJSON), 10_000)
      expect(response.status).toBe(202)
      const next = responseLines(response)
      const first = (await next()) as { id: string; url: string }
      const partial = await readStream(first.url, (text) => records(text) >= 101) // the header and the 100 good rows
      expect(partial.closed).toBe(false)
      const waiting = fetch(`${first.url}?offset=${partial.offset}&live=long-poll`) // a reader at the tail, waiting for more
      hold.resolve()
      expect(await within(code, next(), 15_000)).toMatchObject({ error: { code, message: expect.any(String) } })
      const gone = await fetch(first.url)
      expect(gone.status, `${code}: nothing half-written is left to read`).toBe(404)
      expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('not_found:stream')
      expect((await within(`${code}: the waiting reader`, waiting, 5_000)).status, 'the waiting reader is told at once').toBe(404)
      expect(await allExports()).not.toContain(first.id)
    }
    expect(await activeExports()).toBe(0)
  })

  it('deletes the stream when the client goes away mid-body', async () => {
    const abort = new AbortController()
    const hold = deferred()
    const { body } = slowBody([encoder.encode('{"a":1}\n{"a":2}\n'), encoder.encode('{"a":3}\n')], { holdAt: 1, hold: hold.promise })
    const response = await within(
      'the 202',
      postRows(body, { ...NDJSON }, '', (input, init) => fetch(input, { ...init, signal: abort.signal })),
      10_000,
    )
    const first = (await responseLines(response)()) as { url: string }
    expect((await readStream(first.url, (text) => records(text) === 3)).text).toBe('a\r\n1\r\n2\r\n')
    abort.abort()
    await waitFor(
      'the stream deleted',
      async () => {
        const read = await fetch(first.url)
        await read.body?.cancel()
        return read.status === 404
      },
      5_000,
      50,
    )
    await waitFor('the export stopped', async () => (await activeExports()) === 0, 5_000, 50)
  })

  it('belongs to the caller: listed in their GET /api/durable; another visitor can read it by URL, not list, append to or delete it', async () => {
    const response = await postRows('{"a":"mine"}\n', NDJSON)
    const next = responseLines(response)
    const { id, url: streamUrl } = (await next()) as { id: string; url: string }
    expect(await next()).toEqual({ rows: 1, bytes: 'a\r\nmine\r\n'.length })
    const listed = (await myStreams()).find((s) => s.id === id)
    expect(listed).toMatchObject({ closed: true, contentType: 'text/csv', metadata: { source: 'request', format: 'ndjson' } })

    const other = newVisitor()
    expect((await myStreams(other.fetch)).map((s) => s.id)).not.toContain(id)
    expect(other.cookie(server.baseUrl)).toBeDefined() // a visitor with an identity of its own
    expect(await (await other.fetch(streamUrl)).text()).toBe('a\r\nmine\r\n')
    const deleted = await other.fetch(url(`/api/durable/${id}`), { method: 'DELETE' })
    expect(deleted.status).toBe(403)
    expect(((await deleted.json()) as { error: { code: string } }).error.code).toBe('forbidden:owner')
    expect((await other.fetch(streamUrl, { method: 'DELETE' })).status).toBe(403)
    expect((await fetch(streamUrl)).status).toBe(200)
    expect((await fetch(url(`/api/durable/${id}`), { method: 'DELETE' })).status).toBe(204) // its owner may
  })

  it('refuses cross-site browser requests, and a third running export of one visitor (429, Retry-After)', async () => {
    const crossSite = await postRows('{"a":1}\n', { ...NDJSON, 'sec-fetch-site': 'cross-site' })
    expect(crossSite.status).toBe(403)
    expect(((await crossSite.json()) as { error: { code: string } }).error.code).toBe('forbidden:cross_site')

    const hold = deferred()
    const running = await Promise.all(
      [1, 2].map(async () => {
        const { body } = slowBody([encoder.encode('{"a":1}\n'), encoder.encode('{"a":2}\n')], { holdAt: 1, hold: hold.promise })
        const response = await within('the 202', postRows(body, NDJSON), 10_000)
        expect(response.status).toBe(202)
        return responseLines(response)
      }),
    )
    for (const next of running) await next()
    const third = await postRows('{"a":1}\n', NDJSON)
    expect(third.status).toBe(429)
    expect(third.headers.get('retry-after')).toBe('5')
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('rate_limited:export')
    hold.resolve()
    for (const next of running) expect(await next()).toEqual({ rows: 2, bytes: 'a\r\n1\r\n2\r\n'.length })
    const again = await postRows('{"a":1}\n', NDJSON)
    expect(again.status).toBe(202)
    await again.text()
  })
})

describe('why the export’s response stays open until the body has ended (plain node:http, which next start runs on)', () => {
  it('fetch stops sending the body once it has a complete response, and the server then never learns that the body ended or broke', async () => {
    const events: string[] = []
    let received = 0
    const plain = http.createServer((req, res) => {
      req.once('data', () => res.writeHead(202, { 'content-type': 'application/json' }).end('{}')) // "answer at once", keep reading
      req.on('data', (chunk: Buffer) => (received += chunk.length))
      for (const event of ['end', 'aborted', 'error', 'close']) req.on(event, () => events.push(event))
    })
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve))
    try {
      const hold = deferred()
      const pieces = Array.from({ length: 50 }, () => new Uint8Array(1_000).fill(0x61))
      const { body, sent } = slowBody(pieces, { holdAt: 1, hold: hold.promise })
      const { port } = plain.address() as AddressInfo
      const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body, duplex: 'half' } as RequestInit)
      expect(response.status).toBe(202)
      expect(await response.text()).toBe('{}')
      hold.resolve()
      await sleep(1_000)
      expect(sent(), 'pieces fetch sent').toBeLessThan(pieces.length)
      expect(received).toBeLessThan(50_000)
      expect(events, 'what the server heard of the body').toEqual([])
    } finally {
      plain.closeAllConnections()
      plain.close()
    }
  })
})
