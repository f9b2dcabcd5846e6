import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { askChat, readChunks } from '@/test/support/chat'
import { startServer, type TestServer } from '@/test/support/server'
import { randomFile, sameBytes } from '@/test/support/uploads'

/**
 * A full disk, for real: the server's data directory is an 8 MiB tmpfs, filled through the API.
 * Mounting needs root (the tests run as root in CI); elsewhere the file is skipped, saying why.
 */
const MiB = 1024 * 1024
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sluice-full-'))
const mountProblem = (() => {
  if (process.getuid?.() !== 0) return 'the tests do not run as root'
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dataDir], { stdio: 'pipe' })
    return undefined
  } catch (error) {
    return `mount -t tmpfs failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`
  }
})()
if (mountProblem) {
  rmSync(dataDir, { recursive: true, force: true })
  console.warn(`[disk-full.test] skipped: a full disk is simulated with a tmpfs mount, and ${mountProblem}`)
  // In CI the tests run as root: there, not being able to mount is a failure, not a skip.
  if (process.env.CI && process.getuid?.() === 0) throw new Error(`disk-full.test needs a tmpfs mount in CI: ${mountProblem}`)
}

let server: TestServer
const url = (p: string) => `${server.baseUrl}${p}`
const unique = `${Date.now()}-${Math.random().toString(36).slice(2)}`
const logFiles = () =>
  readdirSync(path.join(dataDir, 'streams', 'data'))
    .filter((f) => f.endsWith('.log'))
    .sort()
const partFiles = () => readdirSync(path.join(dataDir, 'uploads', '.parts')).sort()

function append(stream: string, body: Uint8Array<ArrayBuffer> | string): Promise<Response> {
  return fetch(url(`/v1/stream/${stream}`), { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body })
}

async function expectDiskFull(response: Response): Promise<unknown> {
  const text = await response.text()
  expect(response.status, text).toBe(507)
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  const body = JSON.parse(text) as { error: { code: string; message: string; details?: unknown } }
  expect(body.error.code).toBe('insufficient_storage:disk')
  expect(body.error.message).toMatch(/disk space/)
  return body.error.details
}

describe.skipIf(mountProblem !== undefined)('a full disk', () => {
  beforeAll(async () => {
    server = await startServer({ dataDir, env: { SLUICE_OFFLINE_TOKEN_MS: '0' } })
  })

  afterAll(async () => {
    await server?.stop()
    if (!mountProblem) {
      execFileSync('umount', [dataDir])
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('answers 507 insufficient_storage:disk, loses nothing acknowledged, and recovers after a DELETE', async () => {
    // Acknowledged before the disk fills: a stream, a finished upload, a chat.
    const kept = `disk/kept-${unique}`
    expect((await fetch(url(`/v1/stream/${kept}`), { method: 'PUT', headers: { 'Content-Type': 'text/plain' } })).status).toBe(201)
    let acknowledged = ''
    for (let i = 0; i < 20; i++) {
      const line = `line ${i}\n`
      expect((await append(kept, line)).status).toBe(204)
      acknowledged += line
    }
    const file = randomFile(512 * 1024)
    const put = await fetch(url(`/api/uploads/kept-${unique}.bin`), {
      method: 'PUT',
      headers: { Accept: 'application/json' },
      body: file.data,
    })
    expect(put.status).toBe(201)
    const chatId = `full-${unique}`
    const chat = await askChat(server.baseUrl, chatId, 'hello')
    expect(chat.status).toBe(200)
    await readChunks(chat)

    // An upload announced now, sent once the disk is full.
    const announced = await fetch(url('/api/uploads'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `interrupted-${unique}.bin`, size: MiB }),
    })
    expect(announced.status).toBe(201)
    const interrupted = { id: ((await announced.json()) as { id: string }).id, file: randomFile(MiB) }

    // Fill the disk through the API: a stream appended to until the disk refuses.
    const filler = `disk/filler-${unique}`
    expect((await fetch(url(`/v1/stream/${filler}`), { method: 'PUT', headers: { 'Content-Type': 'text/plain' } })).status).toBe(201)
    for (const size of [MiB, 64 * 1024, 4096]) {
      for (let i = 0; ; i++) {
        expect(i, 'the disk never filled up').toBeLessThan(100)
        const res = await append(filler, new Uint8Array(size).fill(120))
        if (res.status !== 204) {
          await expectDiskFull(res)
          break
        }
        await res.arrayBuffer()
      }
    }

    // Full: every write answers 507 in the error shape, and leaves nothing behind.
    const logsBefore = logFiles()
    const partsBefore = partFiles()
    await expectDiskFull(await append(kept, 'never acknowledged\n'))
    await expectDiskFull(
      await fetch(url(`/v1/stream/disk/new-${unique}`), {
        method: 'PUT',
        headers: { 'Content-Type': 'text/plain' },
        body: 'x'.repeat(64 * 1024),
      }),
    )
    await expectDiskFull(
      await fetch(url('/api/uploads'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: `late-${unique}.bin`, size: MiB }),
      }),
    )
    expect(partFiles(), 'an upload that could not start left a part').toEqual(partsBefore)
    // The upload announced before the disk filled sends its first 16 KiB (all of it reaches the
    // server, so the early answer is not lost to a reset connection), then 507: resumable.
    const res = await fetch(url(`/api/uploads/interrupted-${unique}.bin`), {
      method: 'PUT',
      headers: { Accept: 'application/json', 'Upload-Id': interrupted.id, 'Upload-Offset': '0' },
      body: interrupted.file.data.slice(0, 16 * 1024),
    })
    const details = (await expectDiskFull(res)) as { id: string; offset: number; resumable: boolean; state: string }
    expect(details).toMatchObject({ id: interrupted.id, state: 'failed', resumable: true })
    expect(logFiles(), 'a stream that could not be created left a file').toEqual(logsBefore)

    // Reads still work, and show exactly what was acknowledged.
    expect((await fetch(url('/api/health'))).status).toBe(200)
    expect(await (await fetch(url(`/v1/stream/${kept}?offset=-1`))).text()).toBe(acknowledged)
    expect(sameBytes(new Uint8Array(await (await fetch(url(`/api/uploads/kept-${unique}.bin`))).arrayBuffer()), file.data)).toBe(true)

    // Deletes work on the full disk: the chat (SQLite), then the filler stream (SQLite + its file).
    const chatDeleted = await fetch(url(`/api/chats/${chatId}`), { method: 'DELETE' })
    expect(chatDeleted.status, await chatDeleted.clone().text()).toBe(204)
    expect((await fetch(url(`/api/chats/${chatId}`))).status).toBe(404)
    // The space set aside is taken again (what fits): the disk is full again.
    await expect.poll(async () => (await append(filler, 'x')).status, { timeout: 5_000 }).toBe(507)
    await expectDiskFull(await append(kept, 'still full\n'))
    const streamDeleted = await fetch(url(`/v1/stream/${filler}`), { method: 'DELETE' })
    expect(streamDeleted.status, await streamDeleted.clone().text()).toBe(204)
    expect((await fetch(url(`/v1/stream/${filler}`))).status).toBe(404)

    // Writes work again, on the same process (no restart), and nothing acknowledged was lost.
    await expect.poll(async () => (await append(kept, 'after\n')).status, { timeout: 5_000 }).toBe(204)
    expect(await (await fetch(url(`/v1/stream/${kept}?offset=-1`))).text()).toBe(`${acknowledged}after\n`)
    const again = randomFile(256 * 1024)
    expect(
      (await fetch(url(`/api/uploads/again-${unique}.bin`), { method: 'PUT', headers: { Accept: 'application/json' }, body: again.data }))
        .status,
    ).toBe(201)
    // The upload the full disk interrupted continues from where it stopped, and completes intact.
    const { offset } = (await (await fetch(url(`/api/uploads/sessions/${interrupted.id}`))).json()) as { offset: number }
    expect(offset).toBe(details.offset)
    const resumed = await fetch(url(`/api/uploads/interrupted-${unique}.bin`), {
      method: 'PUT',
      headers: { Accept: 'application/json', 'Upload-Id': interrupted.id, 'Upload-Offset': String(offset) },
      body: interrupted.file.data.subarray(offset),
    })
    expect(resumed.status, await resumed.clone().text()).toBe(201)
    expect(((await resumed.json()) as { sha256: string }).sha256).toBe(interrupted.file.sha256)
    expect((await fetch(url(`/api/uploads/kept-${unique}.bin`), { method: 'DELETE' })).status).toBe(200)
    expect(server.process.exitCode).toBe(null)
  })
})
