import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '@/test/support/server'
import { openPut, randomFile, sameBytes, writeChunks } from '@/test/support/uploads'
import { waitFor } from '@/test/support/wait'

interface Listed {
  name: string
  size: number
  sha256: string | null
  uploadedAt: string
}

async function put(server: TestServer, name: string, body: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
  return fetch(`${server.baseUrl}/api/uploads/${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { Accept: 'application/json', ...headers },
    body,
  })
}

describe('stored uploads: list, download, delete', () => {
  let server: TestServer
  const file = randomFile(300_000)
  const name = 'page <script>.html'

  beforeAll(async () => {
    server = await startServer()
    expect((await put(server, name, file.data)).status).toBe(201)
  })

  afterAll(async () => {
    await server?.stop()
  })

  it('lists name, size, SHA-256 and time', async () => {
    const res = await fetch(`${server.baseUrl}/api/uploads`)
    const { uploads } = (await res.json()) as { uploads: Listed[] }
    expect(uploads).toEqual([{ name, size: file.data.byteLength, sha256: file.sha256, uploadedAt: expect.any(String) }])
    expect(Number.isNaN(Date.parse(uploads[0]!.uploadedAt))).toBe(false)
  })

  it('downloads as an attachment that cannot run in our origin, byte-identical', async () => {
    const res = await fetch(`${server.baseUrl}/api/uploads/${encodeURIComponent(name)}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/octet-stream')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="page <script>.html"; filename*=UTF-8''${encodeURIComponent(name)}`,
    )
    expect(res.headers.get('content-security-policy')).toContain('sandbox')
    expect(res.headers.get('accept-ranges')).toBe('bytes')
    expect(sameBytes(new Uint8Array(await res.arrayBuffer()), file.data)).toBe(true)
  })

  it('serves a Range with 206 and Content-Range, a suffix range, and 416 past the end', async () => {
    const target = `${server.baseUrl}/api/uploads/${encodeURIComponent(name)}`
    const middle = await fetch(target, { headers: { Range: 'bytes=1000-1999' } })
    expect(middle.status).toBe(206)
    expect(middle.headers.get('content-range')).toBe(`bytes 1000-1999/${file.data.byteLength}`)
    expect(sameBytes(new Uint8Array(await middle.arrayBuffer()), file.data.subarray(1000, 2000))).toBe(true)

    const tail = await fetch(target, { headers: { Range: 'bytes=-100' } })
    expect(tail.status).toBe(206)
    expect(sameBytes(new Uint8Array(await tail.arrayBuffer()), file.data.subarray(-100))).toBe(true)

    const past = await fetch(target, { headers: { Range: `bytes=${file.data.byteLength}-` } })
    expect(past.status).toBe(416)
    expect(past.headers.get('content-range')).toBe(`bytes */${file.data.byteLength}`)
    expect((await past.json()).error.code).toBe('range_not_satisfiable:upload')

    const stale = await fetch(target, { headers: { Range: 'bytes=0-9', 'If-Range': '"not-the-etag"' } })
    expect(stale.status).toBe(200) // the validator does not match: the whole file instead of a range
    await stale.arrayBuffer()
  })

  it('answers HEAD with the headers only', async () => {
    const res = await fetch(`${server.baseUrl}/api/uploads/${encodeURIComponent(name)}`, { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('accept-ranges')).toBe('bytes')
    expect(res.headers.get('etag')).toMatch(/^"[\w-]+"$/)
    expect((await res.arrayBuffer()).byteLength).toBe(0)
  })

  it('deletes, and then it is gone (404)', async () => {
    const target = `${server.baseUrl}/api/uploads/${encodeURIComponent(name)}`
    expect((await fetch(target, { method: 'DELETE' })).status).toBe(200)
    expect((await fetch(target)).status).toBe(404)
    expect((await fetch(target, { method: 'DELETE' })).status).toBe(404)
    const { uploads } = (await (await fetch(`${server.baseUrl}/api/uploads`)).json()) as { uploads: Listed[] }
    expect(uploads).toEqual([])
  })
})

describe('unfinished uploads on disk', () => {
  it('resume after a server restart: the offset and the SHA-256 come from the part on disk', async () => {
    const first = await startServer()
    const file = randomFile(2 * 1024 * 1024)
    const { request, response } = openPut(`${first.baseUrl}/api/uploads/restart.bin`, { 'Content-Length': file.data.byteLength })
    request.on('error', () => {})
    await writeChunks(request, file.data.subarray(0, 1024 * 1024))
    const id = String((await response).headers['upload-id'])
    await first.kill() // mid-upload: no clean-up runs

    const second = await startServer({ dataDir: first.dataDir })
    try {
      const state = await (await fetch(`${second.baseUrl}/api/uploads/sessions/${id}`)).json()
      expect(state).toMatchObject({ state: 'paused', size: file.data.byteLength })
      const offset = state.offset as number
      expect(offset).toBeGreaterThan(0)
      const rest = await put(second, 'restart.bin', file.data.subarray(offset), { 'Upload-Id': id, 'Upload-Offset': String(offset) })
      expect(rest.status).toBe(201)
      expect((await rest.json()).sha256).toBe(file.sha256)
    } finally {
      await second.stop()
    }
  })

  it('removes parts not written to for SLUICE_UPLOAD_STALE_MS, and the upload cannot continue', async () => {
    const server = await startServer({ env: { SLUICE_UPLOAD_STALE_MS: '1000' } })
    try {
      const file = randomFile(64 * 1024)
      const paused = await put(server, 'stale.bin', file.data.subarray(0, 1000), { 'Upload-Length': String(file.data.byteLength) })
      expect(paused.status).toBe(200)
      const { id } = (await paused.json()) as { id: string }
      const partsDir = path.join(server.dataDir, 'uploads', '.parts')
      expect(await readdir(partsDir)).toContain(`${id}.part`)
      // The sweeper runs every second; wait until it has removed the part.
      await waitFor('the sweeper to remove the stale part', async () => !(await readdir(partsDir)).includes(`${id}.part`), 15_000, 200)
      const rest = await put(server, 'stale.bin', file.data.subarray(1000), { 'Upload-Id': id, 'Upload-Offset': '1000' })
      expect([404, 410]).toContain(rest.status)
    } finally {
      await server.stop()
    }
  })
})
