import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deferred } from '@/lib/async'
import { isAppError } from '@/lib/errors'
import { listUploads } from '@/lib/uploads/files'
import { chunksOf, READ_AHEAD_BYTES } from '@/lib/uploads/read-ahead'
import { receiveUpload } from '@/lib/uploads/receive'
import { progressLines } from '@/lib/uploads/responses'
import { cancelUpload, getUpload, sessions } from '@/lib/uploads/sessions'
import { sweepStaleParts } from '@/lib/uploads/sweep'
import { waitFor } from '@/test/support/wait'

const MAX = 1024 * 1024
let dir: string

beforeAll(async () => {
  // Read once by lib/config/ on first use, which is after this.
  dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-uploads-unit-'))
  process.env.SLUICE_UPLOAD_DIR = dir
  process.env.SLUICE_UPLOAD_MAX_BYTES = String(MAX)
  process.env.SLUICE_UPLOAD_STALE_MS = '60000'
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')

/** A body that hands out `chunks` one per pull (no buffering of its own), recording what the caller asked. */
function pulledBody(chunks: Uint8Array[], onPull?: (index: number) => void | Promise<void>) {
  let index = 0
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        await onPull?.(index)
        const chunk = chunks[index++]
        if (chunk) controller.enqueue(chunk)
        else controller.close()
      },
    },
    { highWaterMark: 0 },
  )
  return chunksOf(stream) // as the route hands it over
}

function split(data: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let i = 0; i < data.byteLength; i += size) out.push(data.subarray(i, i + size))
  return out
}

async function visibleFiles(): Promise<string[]> {
  return (await readdir(dir)).filter((f) => !f.startsWith('.'))
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    if (isAppError(error)) return `${error.status} ${error.code}`
    throw error
  }
  return 'no error'
}

describe('receiveUpload', () => {
  it('with releaseChunks, frees each written chunk that fills its own buffer (detached) and leaves views into larger buffers alone', async () => {
    const data = randomBytes(3 * 4096)
    const shared = new Uint8Array(2 * 4096)
    shared.set(data.subarray(8192))
    // Two chunks with a buffer each (as undici and Node's HTTP parser hand them over), one view into a bigger buffer.
    const chunks = [Uint8Array.from(data.subarray(0, 4096)), Uint8Array.from(data.subarray(4096, 8192)), shared.subarray(0, 4096)]
    const kept = [Uint8Array.from(data.subarray(0, 4096))]
    const released = await receiveUpload({ name: 'released.bin', body: pulledBody(chunks), length: data.byteLength, releaseChunks: true })
    expect(await released.done).toMatchObject({ state: 'complete', offset: data.byteLength, sha256: sha256(data) })
    expect(await readFile(path.join(dir, 'released.bin'))).toEqual(data)
    expect(chunks.map((chunk) => chunk.buffer.detached)).toEqual([true, true, false])
    expect(Array.from(shared.subarray(0, 4096))).toEqual(Array.from(data.subarray(8192)))
    // Without it (the default), the caller's buffers are left as they were.
    const plain = await receiveUpload({ name: 'kept.bin', body: pulledBody(kept), length: 4096 })
    expect(await plain.done).toMatchObject({ state: 'complete', sha256: sha256(data.subarray(0, 4096)) })
    expect(kept[0]!.buffer.detached).toBe(false)
  })

  it('reads at most READ_AHEAD_BYTES ahead of the disk, and stores the right bytes and SHA-256', async () => {
    const data = randomBytes(10 * 4096)
    const chunks = split(data, 4096)
    const offsetsAtPull: number[] = []
    let id = ''
    const body = pulledBody(chunks, (i) => {
      if (i > 0) offsetsAtPull.push(sessions().get(id)!.progress.value.offset)
    })
    const reception = await receiveUpload({ name: 'ordered.bin', body, length: data.byteLength })
    id = reception.session.id
    const final = await reception.done
    expect(final).toMatchObject({ state: 'complete', offset: data.byteLength, sha256: sha256(data) })
    // Pull n + 1 (after n + 1 chunks were read) never finds the disk more than the read-ahead behind.
    expect(offsetsAtPull).toHaveLength(chunks.length)
    offsetsAtPull.forEach((offset, n) => expect((n + 1) * 4096 - offset).toBeLessThanOrEqual(READ_AHEAD_BYTES))
    expect(await readFile(path.join(dir, 'ordered.bin'))).toEqual(data)
    expect(await listUploads()).toContainEqual(
      expect.objectContaining({ name: 'ordered.bin', size: data.byteLength, sha256: sha256(data) }),
    )
  })

  it('refuses a declared size over the limit before creating anything (413)', async () => {
    const before = await readdir(path.join(dir, '.parts'))
    expect(await codeOf(receiveUpload({ name: 'big.bin', body: pulledBody([]), length: MAX + 1 }))).toBe('413 too_large:upload')
    expect(await readdir(path.join(dir, '.parts'))).toEqual(before)
  })

  it('stops an undeclared body at the limit and keeps nothing', async () => {
    const chunks = split(randomBytes(MAX + 8192), 64 * 1024)
    const reception = await receiveUpload({ name: 'sneaky.bin', body: pulledBody(chunks) })
    const final = await reception.done
    expect(final).toMatchObject({ state: 'failed', resumable: false, error: { code: 'too_large:upload' } })
    expect(await visibleFiles()).not.toContain('sneaky.bin')
    expect(await readdir(path.join(dir, '.parts'))).not.toContain(`${reception.session.id}.part`)
  })

  it('keeps the bytes of a broken-off request and completes byte-identical from the offset, even after a restart', async () => {
    const data = randomBytes(64 * 1024)
    const chunks = split(data, 4096)
    const broken = deferred()
    const body = pulledBody(chunks, async (i) => {
      if (i === 5) {
        broken.resolve()
        throw new TypeError('socket hang up')
      }
    })
    const first = await receiveUpload({ name: 'resumed.bin', body, length: data.byteLength })
    await broken.promise
    const interrupted = await first.done
    expect(interrupted).toMatchObject({ state: 'failed', resumable: true, offset: 5 * 4096 })
    expect(await visibleFiles()).not.toContain('resumed.bin')

    sessions().delete(first.session.id) // as if the server restarted: the hash state in memory is gone
    const { progress } = await getUpload(first.session.id)
    expect(progress.value).toMatchObject({ state: 'paused', offset: 5 * 4096, size: data.byteLength })

    const stale = await receiveUpload({ name: 'resumed.bin', id: first.session.id, offset: 0, body: pulledBody([]) }).catch((e) => e)
    expect(isAppError(stale) && stale.code).toBe('conflict:upload_offset')

    const second = await receiveUpload({
      name: 'resumed.bin',
      id: first.session.id,
      offset: 5 * 4096,
      body: pulledBody(chunks.slice(5)),
    })
    expect(second.startOffset).toBe(5 * 4096)
    expect(await second.done).toMatchObject({ state: 'complete', sha256: sha256(data), attemptOffset: 5 * 4096, attempts: 1 })
    expect(await readFile(path.join(dir, 'resumed.bin'))).toEqual(data)
  })

  it('a body shorter than the declared size pauses; the rest completes it', async () => {
    const data = randomBytes(8192)
    const first = await receiveUpload({ name: 'halves.bin', body: pulledBody([data.subarray(0, 3000)]), length: 8192 })
    expect(await first.done).toMatchObject({ state: 'paused', offset: 3000 })
    const rest = await receiveUpload({ name: 'halves.bin', id: first.session.id, offset: 3000, body: pulledBody([data.subarray(3000)]) })
    expect(await rest.done).toMatchObject({ state: 'complete', sha256: sha256(data) })
  })

  it('refuses a body that runs past the declared size and keeps nothing', async () => {
    const reception = await receiveUpload({ name: 'liar.bin', body: pulledBody([randomBytes(200)]), length: 100 })
    expect(await reception.done).toMatchObject({ state: 'failed', resumable: false, error: { code: 'bad_request:length' } })
    expect(await visibleFiles()).not.toContain('liar.bin')
  })

  it('a newer request for the same upload takes over from one still writing', async () => {
    const data = randomBytes(8192)
    const hang = deferred()
    const first = await receiveUpload({
      name: 'takeover.bin',
      body: pulledBody([data.subarray(0, 4096), data.subarray(4096)], (i) => (i === 1 ? hang.promise : undefined)),
      length: 8192,
    })
    await waitFor('the first 4096 bytes received', () => first.session.progress.value.offset >= 4096, 10_000, 1)
    const second = await receiveUpload({
      name: 'takeover.bin',
      id: first.session.id,
      offset: 4096,
      body: pulledBody([data.subarray(4096)]),
    })
    expect(await first.done).toMatchObject({ state: 'failed', error: { code: 'conflict:upload' } })
    expect(await second.done).toMatchObject({ state: 'complete', sha256: sha256(data) })
    hang.resolve()
  })

  it('cancelling stops the request, removes the part and reports cancelled', async () => {
    const hang = deferred()
    const reception = await receiveUpload({
      name: 'cancelled.bin',
      body: pulledBody([randomBytes(4096), randomBytes(4096)], (i) => (i === 1 ? hang.promise : undefined)),
      length: 8192,
    })
    await waitFor('the first 4096 bytes received', () => reception.session.progress.value.offset >= 4096, 10_000, 1)
    expect(await cancelUpload(reception.session.id)).toMatchObject({ state: 'cancelled' })
    await reception.done
    expect(await readdir(path.join(dir, '.parts'))).not.toContain(`${reception.session.id}.part`)
    expect(await visibleFiles()).not.toContain('cancelled.bin')
    hang.resolve()
  })

  it('refuses to continue an upload under another name', async () => {
    const first = await receiveUpload({ name: 'one.bin', body: pulledBody([randomBytes(10)]), length: 20 })
    await first.done
    expect(await codeOf(receiveUpload({ name: 'two.bin', id: first.session.id, offset: 10, body: pulledBody([]) }))).toBe(
      '409 conflict:upload_name',
    )
  })
})

describe('progressLines', () => {
  it('gives every chunk its line, then the summary with the SHA-256', async () => {
    const data = randomBytes(5 * 2048)
    const gate = deferred()
    // The body waits until the lines are being read, so every chunk is written while subscribed.
    const body = pulledBody(split(data, 2048), (i) => (i === 0 ? gate.promise : undefined))
    const reception = await receiveUpload({ name: 'lines.bin', body, length: data.byteLength })
    const lines: string[] = []
    const reading = (async () => {
      for await (const text of progressLines(reception)) lines.push(...text.split('\n').filter(Boolean))
    })()
    gate.resolve()
    await reading
    expect(lines).toEqual([
      `Upload ${reception.session.id}: lines.bin, ${data.byteLength} bytes, from byte 0`,
      'Received 2 KB',
      'Received 4 KB',
      'Received 6 KB',
      'Received 8 KB',
      'Received 10 KB',
      `Upload complete: lines.bin, ${data.byteLength} bytes, sha256 ${sha256(data)}`,
    ])
  })
})

describe('sweepStaleParts', () => {
  it('removes unfinished uploads not written to for SLUICE_UPLOAD_STALE_MS and reports them expired', async () => {
    const first = await receiveUpload({ name: 'stale.bin', body: pulledBody([randomBytes(10)]), length: 20 })
    await first.done
    const fresh = await receiveUpload({ name: 'fresh.bin', body: pulledBody([randomBytes(10)]), length: 20 })
    await fresh.done
    const old = new Date(Date.now() - 120_000)
    for (const ext of ['part', 'json']) await utimes(path.join(dir, '.parts', `${first.session.id}.${ext}`), old, old)

    const removed = await sweepStaleParts({ isActive: () => false, onExpired: (id) => expect(id).toBe(first.session.id) })
    expect(removed).toEqual([first.session.id])
    const left = await readdir(path.join(dir, '.parts'))
    expect(left).not.toContain(`${first.session.id}.part`)
    expect(left).toContain(`${fresh.session.id}.part`)
  })
})
