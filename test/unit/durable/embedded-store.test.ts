import { appendFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, onTestFinished, test } from 'vitest'
import { Catalogue } from '@/lib/durable/embedded/catalogue'
import { openCatalogue } from '@/lib/durable/embedded/database'
import { EmbeddedStore } from '@/lib/durable/embedded/embedded-store'
import type { StreamMeta, StreamStore } from '@/lib/durable/store'
import { describeStoreContract } from './store-contract'

describeStoreContract('embedded (SQLite + files)', async ({ now }) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-store-'))
  const store = await EmbeddedStore.open({ dir, now })
  return {
    store,
    settle: () => store.idle(),
    cleanup: async () => {
      await store.dispose()
      await rm(dir, { recursive: true, force: true })
    },
  }
})

const text = (s: string) => new TextEncoder().encode(s)

async function readAll(store: StreamStore, meta: StreamMeta): Promise<string> {
  const chunks: Uint8Array[] = []
  for await (const chunk of store.read(meta, 0, meta.tail)) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}

async function meta(store: StreamStore, p: string): Promise<StreamMeta> {
  const found = await store.lookup(p)
  if (found.state !== 'live') throw new Error(`${p} is ${found.state}`)
  return found.meta
}

describe('embedded store on disk', () => {
  const dirs: string[] = []
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
  })
  async function tempDir() {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-store-'))
    dirs.push(dir)
    return dir
  }

  test('data, closure and producer state survive reopening', async () => {
    const dir = await tempDir()
    const first = await EmbeddedStore.open({ dir })
    await first.create('a/b', { contentType: 'text/plain', expiry: { kind: 'none' } })
    await first.append('a/b', { data: text('one'), producer: { id: 'p', epoch: 0, seq: 0 } })
    await first.append('a/b', { data: text('two'), producer: { id: 'p', epoch: 0, seq: 1 }, close: true })
    await first.dispose()

    const second = await EmbeddedStore.open({ dir })
    const m = await meta(second, 'a/b')
    expect(m).toMatchObject({ tail: 6, closed: true, closedBy: { id: 'p', epoch: 0, seq: 1 } })
    expect(await readAll(second, m)).toBe('onetwo')
    expect(await second.append('a/b', { data: text('two'), producer: { id: 'p', epoch: 0, seq: 1 }, close: true })).toMatchObject({
      duplicate: true,
    })
    await second.dispose()
  })

  test('bytes of an append that never committed are invisible, then overwritten', async () => {
    const dir = await tempDir()
    const first = await EmbeddedStore.open({ dir })
    await first.create('torn', { contentType: 'text/plain', expiry: { kind: 'none' } })
    await first.append('torn', { data: text('committed') })
    const { incarnation } = await meta(first, 'torn')
    await first.dispose()
    // A crash between writing the bytes and committing the tail leaves them past the tail.
    appendFileSync(path.join(dir, 'data', `${incarnation}.log`), 'TORN-PARTIAL-APPEND')

    const second = await EmbeddedStore.open({ dir })
    expect(await readAll(second, await meta(second, 'torn'))).toBe('committed')
    await second.append('torn', { data: text('+next') })
    expect(await readAll(second, await meta(second, 'torn'))).toBe('committed+next')
    await second.dispose()
    expect(statSync(path.join(dir, 'data', `${incarnation}.log`)).size).toBe('committed+next'.length)
  })

  test('files no stream owns are removed when the store opens', async () => {
    const dir = await tempDir()
    const first = await EmbeddedStore.open({ dir })
    await first.create('kept', { contentType: 'text/plain', expiry: { kind: 'none' }, initial: text('x') })
    await first.dispose()
    writeFileSync(path.join(dir, 'data', 'deadbeefdeadbeefdeadbeef.log'), 'orphan of a crashed fork')
    const second = await EmbeddedStore.open({ dir })
    expect(readdirSync(path.join(dir, 'data'))).toHaveLength(1)
    expect(await readAll(second, await meta(second, 'kept'))).toBe('x')
    await second.dispose()
  })

  test('a compressed stream keeps only its .gz file, also after a restart mid-compression', async () => {
    const dir = await tempDir()
    const first = await EmbeddedStore.open({ dir })
    await first.create('gz/a', { contentType: 'text/csv', expiry: { kind: 'none' }, compress: true })
    await first.append('gz/a', { data: text('a,b\n'.repeat(1000)), close: true })
    await first.dispose() // dispose waits for the background compression
    const files = readdirSync(path.join(dir, 'data'))
    expect(files).toHaveLength(1)
    expect(files[0]).toMatch(/\.log\.gz$/)
    const second = await EmbeddedStore.open({ dir })
    expect(await readAll(second, await meta(second, 'gz/a'))).toBe('a,b\n'.repeat(1000))
    await second.dispose()
  })
})

describe('the catalogue’s rows in memory', () => {
  test('a transaction that rolls back leaves no changed row behind in memory', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-catalogue-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    const catalogue = new Catalogue(openCatalogue(path.join(dir, 'streams.db')))
    const base = { incarnation: 'i1', contentType: 'text/plain', namespace: 'n', metadata: {}, now: 1, closed: false, compress: false }
    catalogue.insert({ ...base, path: 'n/a', tail: 5, expiry: { kind: 'none' }, fork: undefined })
    expect(catalogue.get('n/a')?.tail).toBe(5) // now in memory
    expect(() =>
      catalogue.transaction(() => {
        catalogue.recordAppend('n/a', { tail: 9, closed: true, closedBy: undefined, streamSeq: 'x', now: 2 })
        expect(catalogue.get('n/a')).toMatchObject({ tail: 9, closed: 1 }) // seen inside the transaction
        throw new Error('the disk is full')
      }),
    ).toThrow('the disk is full')
    expect(catalogue.get('n/a')).toMatchObject({ tail: 5, closed: 0, last_stream_seq: null })
    catalogue.db.close()
  })
})
