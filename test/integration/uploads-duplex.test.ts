import { spawn } from 'node:child_process'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import http from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '@/test/support/server'
import { answeredByAppRouter, APP_ROUTER_TWIN } from '@/test/support/transport'
import { lineCollector, openPut, randomFile, sameBytes, writeChunks } from '@/test/support/uploads'
import { cookieHeader, newVisitor } from '../support/visitor.ts'

const MAX = 16 * 1024 * 1024
let server: TestServer

beforeAll(async () => {
  server = await startServer({ env: { SLUICE_UPLOAD_MAX_BYTES: String(MAX) } })
})

afterAll(async () => {
  await server?.stop()
})

const uploadDir = () => path.join(server.dataDir, 'uploads')

async function visibleUploads(): Promise<string[]> {
  return (await readdir(uploadDir()).catch(() => [] as string[])).filter((f) => !f.startsWith('.'))
}

async function parts(): Promise<string[]> {
  return readdir(path.join(uploadDir(), '.parts')).catch(() => [] as string[])
}

async function progressOf(id: string): Promise<{ state: string; offset: number; size: number | null }> {
  const res = await fetch(`${server.baseUrl}/api/uploads/sessions/${id}`)
  expect(res.status).toBe(200)
  return res.json()
}

describe('full duplex: progress streams back while the body is still being sent', () => {
  // The same handler behind both transports: the Pages API route that reads the raw Node request
  // (pages/api/node/uploads/[name].ts), which the public URL is rewritten to, and the App Router
  // route handler (app/api/uploads/[name]/route.ts), reached with X-Sluice-Transport: app-router.
  for (const [transport, headers] of [
    ['Pages API route (the public URL)', {}],
    ['App Router', APP_ROUTER_TWIN],
  ] as const) {
    it(`${transport}: node:http client: the first progress line arrives while 7 of 8 MiB are still unsent`, async () => {
      const name = `node-client-${Object.keys(headers).length}.bin`
      const file = randomFile(8 * 1024 * 1024)
      const { request, response } = openPut(`${server.baseUrl}/api/uploads/${name}`, { ...headers, 'Content-Length': file.data.byteLength })
      const firstPart = 1024 * 1024
      await writeChunks(request, file.data.subarray(0, firstPart))

      // The rest is not sent until a progress line has come back. A server that answered only after
      // the whole body would never send one, and this test would fail on its timeout.
      const res = await response
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toMatch(/^text\/plain/)
      expect(answeredByAppRouter(res.headers.vary)).toBe(transport === 'App Router')
      const lines = lineCollector(res)
      const first = await lines.wait(/^Received \d+ KB$/)
      const id = String(res.headers['upload-id'])
      const midway = await progressOf(id)
      expect(midway.state).toBe('receiving')
      expect(midway.offset).toBeLessThanOrEqual(firstPart)
      expect(Number(/\d+/.exec(first)![0]) * 1024).toBeLessThanOrEqual(firstPart + 512)

      await writeChunks(request, file.data.subarray(firstPart))
      request.end()
      const all = await lines.ended
      expect(all[0]).toBe(`Upload ${id}: ${name}, ${file.data.byteLength} bytes, from byte 0`)
      expect(all.at(-1)).toBe(`Upload complete: ${name}, ${file.data.byteLength} bytes, sha256 ${file.sha256}`)
      expect(all.filter((l) => l.startsWith('Received ')).length).toBeGreaterThan(1)
      expect(sameBytes(await readFile(path.join(uploadDir(), name)), file.data)).toBe(true)
    })
  }

  it('Pages API route (the public URL): the same access guard and error shape — another visitor cannot continue an upload; download and delete; other methods get 405', async () => {
    const first = await fetch(`${server.baseUrl}/api/uploads/guarded.bin`, {
      method: 'PUT',
      body: 'abc',
      headers: { 'Upload-Length': '6' },
    })
    expect(first.status).toBe(200)
    const id = first.headers.get('upload-id')!
    expect(await first.text()).toContain('Upload paused at byte 3')
    // Another visitor (its own cookie jar).
    const other = await newVisitor().fetch(`${server.baseUrl}/api/uploads/guarded.bin`, {
      method: 'PUT',
      body: 'def',
      headers: { 'Upload-Id': id, 'Upload-Offset': '3' },
    })
    expect(other.status).toBe(403)
    expect(await other.json()).toMatchObject({ error: { code: 'forbidden:owner' } })
    // The owner (this file's visitor: the global fetch keeps its cookie) can.
    const owner = await fetch(`${server.baseUrl}/api/uploads/guarded.bin`, {
      method: 'PUT',
      body: 'def',
      headers: { 'Upload-Id': id, 'Upload-Offset': '3' },
    })
    expect(owner.status).toBe(200)
    expect(await owner.text()).toMatch(/Upload complete: guarded\.bin, 6 bytes/)
    expect(answeredByAppRouter(owner.headers.get('vary'))).toBe(false) // the Pages API route answered
    const get = await fetch(`${server.baseUrl}/api/uploads/guarded.bin`, { headers: { Range: 'bytes=1-3' } })
    expect(get.status).toBe(206)
    expect(await get.text()).toBe('bcd')
    const head = await fetch(`${server.baseUrl}/api/uploads/guarded.bin`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe('6')
    const post = await fetch(`${server.baseUrl}/api/uploads/guarded.bin`, { method: 'POST', body: 'x' })
    expect(post.status).toBe(405)
    expect(await post.json()).toMatchObject({ error: { code: 'method_not_allowed:route' } })
    const strangerDelete = await newVisitor().fetch(`${server.baseUrl}/api/uploads/guarded.bin`, { method: 'DELETE' })
    expect(strangerDelete.status).toBe(403)
    const deleted = await fetch(`${server.baseUrl}/api/uploads/guarded.bin`, { method: 'DELETE' })
    expect(deleted.status).toBe(200)
    expect(await deleted.json()).toEqual({ deleted: 'guarded.bin' })
  })

  it('curl -T - -N: curl prints a progress line while the test still holds most of the file back', async () => {
    const file = randomFile(6 * 1024 * 1024)
    const curl = spawn('curl', ['-sS', '-N', '-T', '-', `${server.baseUrl}/api/uploads/curl-stdin.bin`], {
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stderr = ''
    curl.stderr.on('data', (d) => (stderr += d))
    const exited = new Promise<number | null>((resolve) => curl.once('exit', resolve))
    const lines = lineCollector(curl.stdout)
    let progressSeen = false
    void lines.wait(/^Received \d+ KB$/).then(
      () => (progressSeen = true),
      () => {},
    )
    // curl reads stdin in blocking 64 KiB reads and cannot print while one waits, so the test keeps
    // it fed, one chunk at a time, until a progress line shows up.
    const step = 64 * 1024
    let given = 0
    while (!progressSeen && given < file.data.byteLength) {
      await writeChunks(curl.stdin, file.data.subarray(given, given + step))
      given += step
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(progressSeen).toBe(true)
    expect(given).toBeLessThan(file.data.byteLength / 2)
    expect(curl.exitCode).toBeNull() // still uploading
    await writeChunks(curl.stdin, file.data.subarray(given))
    curl.stdin.end()
    const all = await lines.ended
    expect(await exited, stderr).toBe(0)
    expect(all.at(-1)).toBe(`Upload complete: curl-stdin.bin, ${file.data.byteLength} bytes, sha256 ${file.sha256}`)
  })

  it('curl -T big.bin -N (the documented command): progress is printed while the server has not got the whole file', async () => {
    const file = randomFile(8 * 1024 * 1024)
    const source = path.join(server.dataDir, 'big.bin')
    await writeFile(source, file.data)
    // curl keeps the visitor's identity in a cookie jar, as docs/security.md says; here it is the test's.
    await fetch(`${server.baseUrl}/api/uploads`) // the test's visitor gets its identity
    const cookie = cookieHeader(server.baseUrl)!
    // --limit-rate keeps the upload going for ~4 s, so there is a "meanwhile" to look at.
    const curl = spawn('curl', [
      '-sS',
      '-N',
      '--limit-rate',
      '2M',
      '-H',
      `Cookie: ${cookie}`,
      '-T',
      source,
      `${server.baseUrl}/api/uploads/big.bin`,
    ])
    const exited = new Promise<number | null>((resolve) => curl.once('exit', resolve))
    const lines = lineCollector(curl.stdout)
    const head = await lines.wait(/^Upload \S+: /)
    const id = /^Upload (\S+):/.exec(head)![1]!
    await lines.wait(/^Received \d+ KB$/)
    const midway = await progressOf(id)
    expect(midway).toMatchObject({ state: 'receiving', size: file.data.byteLength })
    expect(midway.offset).toBeLessThan(file.data.byteLength)
    expect(curl.exitCode).toBeNull()
    const all = await lines.ended
    expect(await exited).toBe(0)
    expect(all.at(-1)).toBe(`Upload complete: big.bin, ${file.data.byteLength} bytes, sha256 ${file.sha256}`)
  })
})

describe('limits', () => {
  it('a declared size over the limit is refused with 413 before the body is read, and nothing is kept', async () => {
    const before = await parts()
    const res = await fetch(`${server.baseUrl}/api/uploads/too-big.bin`, {
      method: 'PUT',
      headers: { 'Upload-Length': String(MAX + 1) },
      body: 'x',
    })
    expect(res.status).toBe(413)
    expect((await res.json()).error.code).toBe('too_large:upload')
    const announced = await fetch(`${server.baseUrl}/api/uploads`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'too-big.bin', size: MAX + 1 }),
    })
    expect(announced.status).toBe(413)
    expect(await visibleUploads()).not.toContain('too-big.bin')
    expect(await parts()).toEqual(before)
  })

  it('curl -T of a file over the limit: 413 and curl stops sending', async () => {
    const source = path.join(server.dataDir, 'over.bin')
    await writeFile(source, randomFile(MAX + 1024).data)
    const out = await new Promise<string>((resolve) => {
      const curl = spawn('curl', ['-sS', '-T', source, '-w', '\n%{http_code}', `${server.baseUrl}/api/uploads/over.bin`])
      let text = ''
      curl.stdout.on('data', (d) => (text += d))
      curl.once('exit', () => resolve(text))
    })
    expect(out).toMatch(/"code":"too_large:upload"/)
    expect(out.trim().endsWith('413')).toBe(true)
    expect(await visibleUploads()).not.toContain('over.bin')
  })

  it('an undeclared (chunked) body that crosses the limit fails with too_large:upload (413 with Accept: application/json), nothing kept', async () => {
    const before = await parts()
    const { request, response } = openPut(`${server.baseUrl}/api/uploads/chunked-over.bin`, { Accept: 'application/json' })
    const sent = writeChunks(request, randomFile(MAX + 128 * 1024).data).then(
      () => request.end(),
      () => {},
    )
    const res = await response
    let body = ''
    for await (const chunk of res) body += chunk
    await sent
    expect(res.statusCode).toBe(413)
    expect(JSON.parse(body).error.code).toBe('too_large:upload')
    expect(await visibleUploads()).not.toContain('chunked-over.bin')
    expect(await parts()).toEqual(before)
  })
})

describe('names', () => {
  /** Sends a PUT with the path exactly as given (no client-side normalisation). */
  function rawPut(rawPath: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${server.baseUrl}${rawPath}`, { method: 'PUT', headers: { 'Content-Length': 5 } }, async (res) => {
        let body = ''
        for await (const chunk of res) body += chunk
        resolve({ status: res.statusCode ?? 0, body })
      })
      req.once('error', reject)
      req.end('owned')
    })
  }

  it.each([
    ['..%2Fescape.txt', 'encoded ../'],
    ['..%2F..%2F..%2Ftmp%2Fescape.txt', 'deep ../'],
    ['%2Fetc%2Fescape.txt', 'absolute path'],
    ['..%5Cescape.txt', 'backslash ..\\'],
    ['a%00b.txt', 'NUL'],
    ['a%0Ab.txt', 'line feed'],
    ['a%1B%5B31mred.txt', 'escape sequence'],
    ['.escape', 'leading dot'],
  ])('%s (%s) → 400 bad_request:name', async (encoded) => {
    const { status, body } = await rawPut(`/api/uploads/${encoded}`)
    expect(status).toBe(400)
    expect(JSON.parse(body).error.code).toBe('bad_request:name')
  })

  it('a literal ../ never reaches the upload route (the URL is normalised first), and nothing was written anywhere', async () => {
    const { status } = await rawPut('/api/uploads/../escape.txt')
    expect(status).toBe(404)
    const everything = await readdir(server.dataDir, { recursive: true })
    expect(everything.filter((f) => f.includes('escape'))).toEqual([])
  })
})
