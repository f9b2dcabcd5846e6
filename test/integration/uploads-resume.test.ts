import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readSse, type SseEvent } from '@/lib/stream/client'
import type { UploadProgress } from '@/lib/uploads/progress'
import { startServer, type TestServer } from '@/test/support/server'
import { lineCollector, openPut, randomFile, sameBytes, writeChunks } from '@/test/support/uploads'
import { within } from '@/test/support/wait'

let server: TestServer
const abort = new AbortController()

beforeAll(async () => {
  server = await startServer()
})

afterAll(async () => {
  abort.abort()
  await server?.stop()
})

const url = (p: string) => `${server.baseUrl}${p}`

/** The upload's progress channel, as a browser would read it, as a queue of snapshots. */
function follow(id: string) {
  const events: SseEvent[] = []
  let wake: (() => void) | undefined
  let ended = false
  const finished = (async () => {
    const res = await fetch(url(`/api/uploads/sessions/${id}/events`), { signal: abort.signal })
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    for await (const event of readSse(res, { signal: abort.signal })) {
      events.push(event)
      wake?.()
    }
  })()
    .catch(() => {})
    .finally(() => {
      ended = true
      wake?.()
    })
  return {
    events,
    /** Settles when the server has closed the stream. */
    finished,
    /** Resolves with the first progress snapshot (already received or still to come) that matches. */
    until(match: (p: UploadProgress) => boolean): Promise<UploadProgress> {
      const matching = async () => {
        for (let seen = 0; ;) {
          for (; seen < events.length; seen++) {
            const event = events[seen]!
            if (event.event !== 'progress') continue
            const progress = JSON.parse(event.data) as UploadProgress
            if (match(progress)) return progress
          }
          if (ended) throw new Error(`The progress channel ended first: ${JSON.stringify(events)}`)
          await new Promise<void>((resolve) => (wake = resolve))
        }
      }
      return within(`progress where ${match.toString()}`, matching(), 30_000)
    },
  }
}

async function announce(name: string, size: number): Promise<UploadProgress> {
  const res = await fetch(url('/api/uploads'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, size }),
  })
  expect(res.status).toBe(201)
  return res.json()
}

async function visibleUploads(): Promise<string[]> {
  return (await readdir(path.join(server.dataDir, 'uploads'))).filter((f) => !f.startsWith('.'))
}

describe('the browser progress channel (SSE)', () => {
  it('reports bytes written to disk while the body is still arriving, then complete with the SHA-256, then done', async () => {
    const file = randomFile(6 * 1024 * 1024)
    const { id } = await announce('channel.bin', file.data.byteLength)
    const channel = follow(id)
    await channel.until((p) => p.state === 'created')
    const { request, response } = openPut(url('/api/uploads/channel.bin'), {
      'Content-Length': file.data.byteLength,
      'Upload-Id': id,
      'Upload-Offset': 0,
      Accept: 'application/json',
    })
    await writeChunks(request, file.data.subarray(0, 1024 * 1024))
    // Only 1 MiB of 6 has been sent: the channel must already show bytes on disk.
    const midway = await channel.until((p) => p.state === 'receiving' && p.offset > 0)
    expect(midway.offset).toBeLessThanOrEqual(1024 * 1024)
    await writeChunks(request, file.data.subarray(1024 * 1024))
    request.end()
    const res = await response
    let body = ''
    for await (const chunk of res) body += chunk
    expect(res.statusCode).toBe(201)
    expect(JSON.parse(body)).toMatchObject({ state: 'complete', sha256: file.sha256, size: file.data.byteLength })
    const complete = await channel.until((p) => p.state === 'complete')
    expect(complete.sha256).toBe(file.sha256)
    await channel.finished
    expect(channel.events.at(-1)?.event).toBe('done')
  })

  it('is a 404 for an unknown upload and a 400 for a malformed id', async () => {
    expect((await fetch(url('/api/uploads/sessions/AAAAAAAAAAAAAAAAAAAAAA/events'))).status).toBe(404)
    expect((await fetch(url('/api/uploads/sessions/..%2F..%2Fetc/events'))).status).toBe(400)
  })
})

describe('interrupted uploads', () => {
  it('a dropped connection leaves no visible file, reports failed (resumable), and the rest completes it byte-identical', async () => {
    const file = randomFile(5 * 1024 * 1024)
    const name = 'dropped.bin'
    const { request, response } = openPut(url(`/api/uploads/${name}`), { 'Content-Length': file.data.byteLength })
    request.on('error', () => {}) // destroyed on purpose below
    await writeChunks(request, file.data.subarray(0, 2 * 1024 * 1024))
    const res = await response
    const id = String(res.headers['upload-id'])
    const channel = follow(id)
    await lineCollector(res).wait(/^Received \d+ KB$/)
    await channel.until((p) => p.state === 'receiving' && p.offset > 0)
    request.destroy() // the network drops

    const failed = await channel.until((p) => p.state === 'failed')
    expect(failed).toMatchObject({ resumable: true, error: { code: 'bad_request:aborted' } })
    expect(failed.offset).toBeGreaterThan(0)
    expect(failed.offset).toBeLessThanOrEqual(2 * 1024 * 1024)
    expect(await visibleUploads()).not.toContain(name)
    expect((await fetch(url(`/api/uploads/${name}`))).status).toBe(404)
    const listed = (await (await fetch(url('/api/uploads'))).json()) as { uploads: { name: string }[] }
    expect(listed.uploads.map((u) => u.name)).not.toContain(name)

    // The resume protocol: HEAD for the offset, then the rest with Upload-Id and Upload-Offset.
    const head = await fetch(url(`/api/uploads/sessions/${id}`), { method: 'HEAD' })
    const offset = Number(head.headers.get('upload-offset'))
    expect(offset).toBe(failed.offset)
    expect(Number(head.headers.get('upload-length'))).toBe(file.data.byteLength)

    const wrong = await fetch(url(`/api/uploads/${name}`), {
      method: 'PUT',
      headers: { 'Upload-Id': id, 'Upload-Offset': '0' },
      body: file.data,
    })
    expect(wrong.status).toBe(409)
    expect(await wrong.json()).toMatchObject({ error: { code: 'conflict:upload_offset', details: { offset } } })

    const rest = await fetch(url(`/api/uploads/${name}`), {
      method: 'PUT',
      headers: { 'Upload-Id': id, 'Upload-Offset': String(offset), Accept: 'application/json' },
      body: file.data.subarray(offset),
    })
    expect(rest.status).toBe(201)
    expect(await rest.json()).toMatchObject({ state: 'complete', sha256: file.sha256, attemptOffset: offset, attempts: 2 })
    expect((await channel.until((p) => p.state === 'complete')).sha256).toBe(file.sha256)

    const download = await fetch(url(`/api/uploads/${name}`))
    expect(sameBytes(new Uint8Array(await download.arrayBuffer()), file.data)).toBe(true)
  })

  it('cancelling stops the request, reports cancelled, and keeps nothing', async () => {
    const file = randomFile(3 * 1024 * 1024)
    const { id } = await announce('cancelled.bin', file.data.byteLength)
    const channel = follow(id)
    const { request, response } = openPut(url('/api/uploads/cancelled.bin'), {
      'Content-Length': file.data.byteLength,
      'Upload-Id': id,
    })
    request.on('error', () => {})
    await writeChunks(request, file.data.subarray(0, 1024 * 1024))
    const lines = lineCollector(await response)
    await lines.wait(/^Received \d+ KB$/)

    const cancel = await fetch(url(`/api/uploads/sessions/${id}`), { method: 'DELETE' })
    expect(cancel.status).toBe(200)
    expect(await cancel.json()).toMatchObject({ state: 'cancelled' })
    expect(await lines.wait(/^Upload (cancelled|failed)/)).toBe('Upload cancelled')
    await channel.until((p) => p.state === 'cancelled')
    expect(await readdir(path.join(server.dataDir, 'uploads', '.parts'))).not.toContain(`${id}.part`)
    expect(await visibleUploads()).not.toContain('cancelled.bin')
    const again = await fetch(url('/api/uploads/cancelled.bin'), { method: 'PUT', headers: { 'Upload-Id': id }, body: 'x' })
    expect(again.status).toBe(410)
  })

  it('slow motion (?rate=) is bounded by the one slow-motion atom, and the PUT takes no other query parameter', async () => {
    for (const query of ['rate=10', 'rate=abc', `rate=${2 * 1024 ** 3}`, 'other=1']) {
      const res = await fetch(url(`/api/uploads/slow.bin?${query}`), { method: 'PUT', body: 'x' })
      expect(res.status, query).toBe(400)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request:query')
    }
    const paced = await fetch(url('/api/uploads/slow.bin?rate=1024'), { method: 'PUT', headers: { accept: 'application/json' }, body: 'x' })
    expect(paced.status).toBe(201)
    expect(await paced.json()).toMatchObject({ state: 'complete', offset: 1 })
  })
})
