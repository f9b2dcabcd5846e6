import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { importJob } from '@/lib/jobs/import-stream'
import { jobsStore } from '@/lib/jobs/instance'
import type { StreamFrame } from '@/lib/typed/frames'
import { silentLogger } from '@/lib/typed/logger'
import { streamHandlers } from '@/lib/typed/route'
import { withAccess } from '../../support/access'
import { startStream } from '@/lib/typed/run'
import { collectFrames } from '@/lib/typed/testing'

type Frame = StreamFrame<z.output<typeof importJob.chunk>, z.output<typeof importJob.final>>

let dataDir: string
beforeAll(async () => {
  // Before anything reads the configuration: this file's own database.
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'sluice-import-'))
  process.env.SLUICE_DATA_DIR = dataDir
})
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

const getImportJob = (id: string) => jobsStore().getImportJob(id)
const upload = (csv: string) => new Request('http://test.local/api/jobs/import?source=upload', { method: 'POST', body: csv })

function final(frames: Frame[]) {
  const last = frames.at(-1)!
  if (last.type !== 'complete') throw new Error(`expected complete, got ${JSON.stringify(last)}`)
  return last.data
}

describe('import job', () => {
  it('imports generated rows in batches, with progress after each commit and a summary matching the database', async () => {
    const frames = await collectFrames(importJob, { rows: 230, invalidEvery: 10, batchSize: 50 })
    expect(frames.map((f) => f.type)).toEqual(['start', 'chunk', 'chunk', 'chunk', 'chunk', 'chunk', 'complete'])
    const chunks = frames.filter((f) => f.type === 'chunk').map((f) => f.data)
    expect(chunks.map((c) => c.processed)).toEqual([50, 100, 150, 200, 230])
    expect(chunks.map((c) => c.batches)).toEqual([1, 2, 3, 4, 5])
    expect(chunks[0]!.rejections).toEqual([
      { line: 11, reason: 'email is not a valid address' },
      { line: 21, reason: 'name is empty' },
      { line: 31, reason: 'amount must be a number ≥ 0 with at most 2 decimals' },
      { line: 41, reason: 'expected 3 fields, found 2' },
      { line: 51, reason: 'amount must be a number ≥ 0 with at most 2 decimals' },
    ])
    const summary = final(frames)
    expect(summary).toMatchObject({ processed: 230, inserted: 207, rejected: 23, batches: 5, lastLine: 231 })
    expect(await getImportJob(summary.jobId)).toMatchObject({ status: 'complete', inserted: 207, storedRows: 207, rejected: 23 })
  })

  it('imports an uploaded CSV: columns in any order, quoted fields, a BOM, CRLF, exact line numbers', async () => {
    const csv =
      '\uFEFFemail,amount,name\r\nada@example.com,12.5,"Lovelace, Ada"\r\nnot-an-email,1,Bob\r\n"x@example.com",2,"two\r\nlines"\r\n,3,\r\n'
    const frames = await collectFrames(importJob, { source: 'upload' }, { request: upload(csv) })
    const summary = final(frames)
    expect(summary).toMatchObject({ processed: 4, inserted: 2, rejected: 2, bytes: Buffer.byteLength(csv) })
    const chunk = frames.find((f) => f.type === 'chunk')!
    expect(chunk.data).toMatchObject({
      rejections: [
        { line: 3, reason: 'email is not a valid address' },
        { line: 6, reason: 'name is empty; email is not a valid address' },
      ],
    })
    expect(await getImportJob(summary.jobId)).toMatchObject({ storedRows: 2 })
  })

  it('fails with bad_request:csv_header when a needed column is missing, and stores nothing', async () => {
    const frames = await collectFrames(importJob, { source: 'upload' }, { request: upload('name,mail,amount\na,b,1\n') })
    expect(frames.map((f) => f.type)).toEqual(['start', 'error'])
    expect(frames[1]!.data).toEqual({ code: 'bad_request:csv_header', message: expect.stringContaining('missing: email') })
    const jobId = (frames[0] as Extract<Frame, { type: 'start' }>).data.streamId
    expect(await getImportJob(jobId)).toMatchObject({ status: 'failed', storedRows: 0 })
  })

  it('fails on an empty upload', async () => {
    const frames = await collectFrames(importJob, { source: 'upload' }, { request: upload('') })
    expect(frames.at(-1)).toMatchObject({ type: 'error', data: { code: 'bad_request:csv_header' } })
  })

  it('stops on cancel between batches and reports exactly what it committed', async () => {
    const input = importJob.input.parse({ rows: 5_000, invalidEvery: 7, batchSize: 100 })
    const run = startStream(importJob, input, { request: new Request('http://test.local/'), logger: silentLogger })
    const frames: Frame[] = []
    for await (const frame of run.frames) {
      frames.push(frame)
      if (frame.type === 'chunk' && frame.data.batches === 2) run.cancel('requested')
    }
    await run.settled
    const last = frames.at(-1)!
    expect(last.type).toBe('cancel')
    const result = (last as Extract<Frame, { type: 'cancel' }>).data
    expect(result.reason).toBe('requested')
    expect(result.final!.processed).toBeLessThan(5_000)
    expect(result.final!.processed % 100).toBe(0) // whole batches only
    const job = (await getImportJob(run.id))!
    expect(job).toMatchObject({ status: 'cancelled', processed: result.final!.processed, inserted: result.final!.inserted })
    expect(job.storedRows).toBe(result.final!.inserted)
  })

  it('refuses an upload without a CSV body before the first frame', async () => {
    const POST = withAccess(streamHandlers(importJob, { logger: silentLogger }).POST)
    const json = await POST(
      new Request('http://test.local/api/jobs/import', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"source":"upload"}',
      }),
    )
    expect(json.status).toBe(400)
    expect(await json.json()).toMatchObject({ error: { code: 'bad_request:upload' } })
    const empty = await POST(new Request('http://test.local/api/jobs/import?source=upload', { method: 'POST' }))
    expect(empty.status).toBe(400)
    // Over HTTP a request without a body still has an (empty) body stream.
    const emptyStream = await POST(
      new Request('http://test.local/api/jobs/import?source=upload', {
        method: 'POST',
        body: new ReadableStream({ start: (c) => c.close() }),
        duplex: 'half',
      } as RequestInit),
    )
    expect(emptyStream.status).toBe(400)
    expect(await emptyStream.json()).toMatchObject({ error: { code: 'bad_request:upload' } })
  })

  it('reads the whole upload after checking its first bytes', async () => {
    const POST = withAccess(streamHandlers(importJob, { logger: silentLogger }).POST)
    const csv = 'name,email,amount\nAda,ada@example.com,1.00\nGrace,grace@example.com,2.00\n'
    const parts = [csv.slice(0, 3), csv.slice(3)].map((p) => new TextEncoder().encode(p))
    const body = new ReadableStream<Uint8Array>({ start: (c) => (parts.forEach((p) => c.enqueue(p)), c.close()) })
    const res = await POST(
      new Request('http://test.local/api/jobs/import?source=upload&batchSize=10', { method: 'POST', body, duplex: 'half' } as RequestInit),
    )
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).toContain('event: complete')
    expect(text).toMatch(/"inserted":2/)
  })

  it('refuses bad input before starting', () => {
    expect(importJob.input.safeParse({ batchSize: 0 }).success).toBe(false)
    expect(importJob.input.safeParse({ rows: '12', delayMs: '5' }).data).toMatchObject({ rows: 12, delayMs: 5, source: 'generated' })
  })
})
