import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { activitySnapshot } from '@/lib/activity'
import { CsvParser } from '@/lib/csv/parse'
import { DatabaseSync } from 'node:sqlite'
import { exportDownload } from '@/lib/jobs/export'
import { jobsStore } from '@/lib/jobs/instance'
import { EXPORT_TABLE_SQL } from '@/lib/jobs/jobs-database'
import { exportChunks } from '@/lib/jobs/sqlite-store'

let dataDir: string
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'sluice-export-'))
  process.env.SLUICE_DATA_DIR = dataDir
  await jobsStore().seedExportRows(1_000)
})
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

async function text(response: Response): Promise<string> {
  return new TextDecoder().decode(await response.arrayBuffer())
}

function parseAll(csv: string): string[][] {
  const parser = new CsvParser({ maxRecordChars: 1024 * 1024 })
  return [...parser.push(csv), ...parser.end()].map((record) => record.fields)
}

const ROW_4 = [
  '4',
  'Barbara Hamilton',
  'barbara.hamilton.4@example.com',
  'Kyoto',
  '31676',
  '2024-01-01T00:04:00.000Z',
  'paid in two\ninstalments',
]

describe('export', () => {
  it('seeds the table with deterministic rows', async () => {
    expect(await jobsStore().exportRowCount()).toBe(1_000)
    expect(await jobsStore().seedExportRows(1_000)).toMatchObject({ rows: 1_000 })
    expect(await jobsStore().exportRowCount()).toBe(1_000)
  })

  it('streams the table as CSV with a header, quoting what needs it', async () => {
    const response = await exportDownload({ format: 'csv', gzip: false })
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="export-rows.csv"')
    expect(response.headers.get('x-total-rows')).toBe('1000')
    const records = parseAll(await text(response))
    expect(records).toHaveLength(1_001)
    expect(records[0]).toEqual(['id', 'name', 'email', 'city', 'amount_cents', 'created_at', 'note'])
    expect(records[4]).toEqual(ROW_4)
    expect(records[3]![3]).toBe('Washington, D.C.')
    expect(records.slice(1).map((r) => Number(r[0]))).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1))
  })

  it('streams NDJSON, one object per line', async () => {
    const lines = (await text(await exportDownload({ format: 'ndjson', gzip: false, limit: 5 }))).trimEnd().split('\n')
    expect(lines).toHaveLength(5)
    expect(JSON.parse(lines[3]!)).toEqual({
      id: 4,
      name: 'Barbara Hamilton',
      email: 'barbara.hamilton.4@example.com',
      city: 'Kyoto',
      amount_cents: 31676,
      created_at: '2024-01-01T00:04:00.000Z',
      note: 'paid in two\ninstalments',
    })
  })

  it('gzips into a .gz file that decompresses to the same CSV', async () => {
    const plain = await text(await exportDownload({ format: 'csv', gzip: false }))
    const zipped = await exportDownload({ format: 'csv', gzip: true })
    expect(zipped.headers.get('content-type')).toBe('application/gzip')
    expect(zipped.headers.get('content-disposition')).toBe('attachment; filename="export-rows.csv.gz"')
    const bytes = new Uint8Array(await zipped.arrayBuffer())
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b])
    expect(bytes.length).toBeLessThan(plain.length / 3)
    const unzipped = new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')))
    expect(await unzipped.text()).toBe(plain)
  })

  it('keeps chunks near 64 KiB and sends a row larger than a chunk on its own, multibyte text intact', () => {
    const db = new DatabaseSync(':memory:')
    db.exec(EXPORT_TABLE_SQL)
    const insert = db.prepare('INSERT INTO export_rows VALUES (?, ?, ?, ?, ?, ?, ?)')
    const huge = 'ü€🚀,"'.repeat(20_000) // ~200 KB of UTF-8, quotes and commas to escape
    for (let id = 1; id <= 3_000; id++)
      insert.run(id, 'Zoë', `z${id}@example.com`, 'Zürich', id, '2024-01-01T00:00:00.000Z', id === 1_500 ? huge : '')
    const chunks = [...exportChunks(db, 'csv')]
    expect(Math.max(...chunks.map((c) => c.byteLength))).toBeGreaterThan(64 * 1024) // the huge row, alone
    expect(chunks.filter((c) => c.byteLength > 64 * 1024)).toHaveLength(1)
    const text = new TextDecoder().decode(Buffer.concat(chunks))
    const records = parseAll(text)
    expect(records).toHaveLength(3_001)
    expect(records[1_500]![6]).toBe(huge)
    expect(records[3_000]).toEqual(['3000', 'Zoë', 'z3000@example.com', 'Zürich', '3000', '2024-01-01T00:00:00.000Z', ''])
    db.close()
  })

  it('reads the cursor only as the client reads, and ends it when the client cancels', async () => {
    await jobsStore().seedExportRows(50_000)
    const response = await exportDownload({ format: 'csv', gzip: false })
    expect(activitySnapshot().activeByKind.export).toBe(1)
    const reader = response.body!.getReader()
    const first = await reader.read()
    expect(first.value!.byteLength).toBeGreaterThan(0)
    expect(first.value!.byteLength).toBeLessThan(200 * 1024) // one chunk, not the table
    await reader.cancel()
    expect(activitySnapshot().activeByKind.export).toBeUndefined()
  })
})
