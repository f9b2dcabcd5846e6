import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { activitySnapshot } from '@/lib/activity'
import { streamStore } from '@/lib/durable/instance'
import { streams } from '@/lib/durable/service'
import { exportDownload } from '@/lib/jobs/export'
import { startDurableExport } from '@/lib/jobs/export-durable'
import { jobsStore } from '@/lib/jobs/instance'

let dataDir: string
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'sluice-export-durable-'))
  process.env.SLUICE_DATA_DIR = dataDir
  await jobsStore().seedExportRows(3_000)
})
afterAll(async () => {
  await (await streamStore()).dispose()
  await rm(dataDir, { recursive: true, force: true })
})

describe('export into a durable stream', () => {
  it('creates the stream before writing, then fills and closes it with the same bytes as the download', async () => {
    const { writer, rows, run } = await startDurableExport({ format: 'csv', gzip: false })
    expect(rows).toBe(3_000)
    expect(writer.url).toMatch(/^\/v1\/stream\/export\//)
    const before = await streams.get(writer.id)
    expect(before).toMatchObject({ sizeBytes: 0, closed: false, contentType: 'text/csv; charset=utf-8', metadata: { rows: '3000' } })
    expect(activitySnapshot().activeByKind['export:durable']).toBe(1)

    await run()
    expect(activitySnapshot().activeByKind['export:durable']).toBeUndefined()
    const direct = await (await exportDownload({ format: 'csv', gzip: false })).text()
    const after = await streams.get(writer.id)
    expect(after).toMatchObject({ closed: true, sizeBytes: Buffer.byteLength(direct) })
    expect(await new Response(await streams.download(writer.id)).text()).toBe(direct)
  })

  it('asks the store to compress a gzip export at rest, NDJSON with a limit', async () => {
    const { writer, rows, run } = await startDurableExport({ format: 'ndjson', gzip: true, limit: 10 })
    expect(rows).toBe(10)
    await run()
    const info = await streams.get(writer.id)
    expect(info).toMatchObject({ closed: true, compressed: true, contentType: 'application/x-ndjson; charset=utf-8' })
    const lines = (await new Response(await streams.download(writer.id)).text()).trimEnd().split('\n')
    expect(lines).toHaveLength(10)
    expect(JSON.parse(lines[9]!)).toMatchObject({ id: 10 })
  })
})
