import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, describe, expect, test } from 'vitest'
import type { EmbeddedStore } from '@/lib/durable/embedded/embedded-store'
import { streamStore } from '@/lib/durable/instance'
import { streams } from '@/lib/durable/service'
import { expiryForTtl } from '@/lib/durable/service-options'

// The service uses the process-wide store under SLUICE_DATA_DIR (read lazily, on first use).
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sluice-service-'))
process.env.SLUICE_DATA_DIR = dataDir

afterAll(async () => {
  await (await streamStore()).dispose()
  rmSync(dataDir, { recursive: true, force: true })
})

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text()
}

describe('TTL rules of document 002', () => {
  const now = 1_000_000
  test('omitted: 30 days; null or 0: never; 60 s to 90 days: as given', () => {
    expect(expiryForTtl(undefined, now)).toEqual({ kind: 'at', at: now + 30 * 86_400_000 })
    expect(expiryForTtl(null, now)).toEqual({ kind: 'none' })
    expect(expiryForTtl(0, now)).toEqual({ kind: 'none' })
    expect(expiryForTtl(60, now)).toEqual({ kind: 'at', at: now + 60_000 })
    expect(expiryForTtl(7_776_000, now)).toEqual({ kind: 'at', at: now + 7_776_000_000 })
  })

  test.each([1, 59, 7_776_001, 90.5, -60, Number.NaN])('refuses %s with a clear error', (ttl) => {
    expect(() => expiryForTtl(ttl, now)).toThrow(
      /ttl must be omitted \(30 days\), null or 0 \(never expires\), or whole seconds from 60 to 7776000/,
    )
  })
})

describe('streams (application API)', () => {
  test('create → write strings, bytes and values → close; get reports it; writes after close are refused', async () => {
    const stream = await streams.create('export', { contentType: 'text/csv', metadata: { userId: 'u1' }, ttl: 3600 })
    expect(stream.id).toMatch(/^export\/[A-Za-z0-9_-]{22}$/)
    expect(stream.url).toBe(`/v1/stream/${stream.id}`)
    expect(stream.compressed).toBe(false)
    await stream.write('a,b\n')
    await stream.write(new TextEncoder().encode('1,2\n'))
    await stream.write({ total: 2 })
    expect(stream.bytesWritten).toBe(8 + 11)
    let info = await streams.get(stream.id)
    expect(info).toMatchObject({ namespace: 'export', contentType: 'text/csv', sizeBytes: 19, closed: false, metadata: { userId: 'u1' } })
    // Expiry is fixed at creation: an hour from then (the two instants come from separate clock reads).
    const lifetime = Date.parse(info.expiresAt!) - Date.parse(info.createdAt)
    expect(lifetime).toBeGreaterThan(3_590_000)
    expect(lifetime).toBeLessThanOrEqual(3_600_000)
    await stream.close()
    await expect(stream.write('more')).rejects.toMatchObject({ code: 'conflict:closed' })
    info = await streams.get(stream.id)
    expect(info.closed).toBe(true)
    expect(await text(await streams.download(stream.id))).toBe('a,b\n1,2\n{"total":2}')
  })

  test('writes land in call order even when not awaited one by one', async () => {
    const stream = await streams.create('order', { contentType: 'text/plain', ttl: null })
    await Promise.all(Array.from({ length: 20 }, (_, i) => stream.write(`${i};`)))
    await stream.close()
    expect(await text(await streams.download(stream.id))).toBe(Array.from({ length: 20 }, (_, i) => `${i};`).join(''))
    expect((await streams.get(stream.id)).expiresAt).toBeNull()
  })

  test('JSON streams: values are messages, text is JSON source, arrays add one message each', async () => {
    const stream = await streams.create('audit', { contentType: 'application/json' })
    await stream.write({ step: 1 })
    await stream.write('{"step":2}')
    await stream.write([{ step: 3 }, { step: 4 }])
    await stream.close()
    expect(JSON.parse(await text(await streams.download(stream.id)))).toEqual([{ step: 1 }, { step: 2 }, { step: 3 }, { step: 4 }])
    await expect(streams.create('audit', { contentType: 'application/json' }).then((s) => s.write('{not json'))).rejects.toMatchObject({
      code: 'bad_request:json',
    })
  })

  test('compress: stored gzip once closed; download decompresses, or returns the gzip on request', async () => {
    const stream = await streams.create('gz', { contentType: 'text/csv', compress: true })
    expect(stream.compressed).toBe(true)
    const rows = 'id,name\n'.repeat(5_000)
    await stream.write(rows)
    await stream.close()
    await ((await streamStore()) as EmbeddedStore).idle()
    const info = await streams.get(stream.id)
    expect(info).toMatchObject({ compressed: true, compressedAtRest: true, sizeBytes: rows.length })
    expect(info.storedBytes).toBeLessThan(rows.length / 20)
    expect(await text(await streams.download(stream.id))).toBe(rows)
    const gz = new Uint8Array(await new Response(await streams.download(stream.id, { encoding: 'gzip' })).arrayBuffer())
    expect(gunzipSync(gz).toString()).toBe(rows)
  })

  test('list filters by namespace and metadata and pages; delete removes', async () => {
    const made = []
    for (let i = 0; i < 3; i++) made.push(await streams.create('listing', { metadata: { batch: i < 2 ? 'a' : 'b' } }))
    const all = await streams.list({ namespace: 'listing' })
    expect(all.total).toBe(3)
    expect(all.streams.map((s) => s.id)).toEqual(made.map((s) => s.id).reverse())
    expect((await streams.list({ namespace: 'listing', metadata: { batch: 'a' } })).total).toBe(2)
    expect((await streams.list({ namespace: 'listing', limit: 1, offset: 2 })).streams.map((s) => s.id)).toEqual([made[0]!.id])
    await expect(streams.list({ limit: 1001 })).rejects.toMatchObject({ code: 'bad_request:query' })
    await streams.delete(made[0]!.id)
    await expect(streams.get(made[0]!.id)).rejects.toMatchObject({ code: 'not_found:stream' })
    await expect(streams.delete(made[0]!.id)).rejects.toMatchObject({ code: 'not_found:stream' })
  })

  test('bad names, options and TTLs are refused before anything is stored', async () => {
    await expect(streams.create('Bad Name')).rejects.toMatchObject({ code: 'bad_request:namespace' })
    await expect(streams.create('ok', { contentType: 'not a type' })).rejects.toMatchObject({ code: 'bad_request:options' })
    await expect(streams.create('ok', { ttl: 30 })).rejects.toMatchObject({ code: 'bad_request:ttl' })
    await expect(streams.create('ok', { metadata: { 'bad key': 'x' } })).rejects.toMatchObject({ code: 'bad_request:options' })
    expect((await streams.list({ namespace: 'ok' })).total).toBe(0)
  })
})

describe('a chosen name and an expiry date (the /durable form sends both)', () => {
  test('name: the id is <namespace>/<name>; a name already taken is a 409 and changes nothing', async () => {
    const name = `n${Date.now()}`
    const stream = await streams.create('named', { name, contentType: 'text/plain', metadata: { k: 'first' } })
    expect(stream.id).toBe(`named/${name}`)
    await expect(streams.create('named', { name, metadata: { k: 'second' } })).rejects.toMatchObject({ code: 'conflict:stream' })
    expect((await streams.get(stream.id)).metadata).toEqual({ k: 'first' })
    await expect(streams.create('named', { name: 'a/b' })).rejects.toMatchObject({ code: 'bad_request:options' })
    await expect(streams.create('named', { name: '.hidden' })).rejects.toMatchObject({ code: 'bad_request:options' })
  })

  test('expiresAt: kept as given; in the past, under a minute or over 90 days ahead, or with a ttl, refused', async () => {
    const at = new Date(Date.now() + 2 * 3_600_000)
    at.setMilliseconds(0)
    const stream = await streams.create('dated', { expiresAt: at.toISOString() })
    expect((await streams.get(stream.id)).expiresAt).toBe(at.toISOString())
    const refused = [
      { expiresAt: new Date(Date.now() - 1000).toISOString() },
      { expiresAt: new Date(Date.now() + 30_000).toISOString() },
      { expiresAt: new Date(Date.now() + 91 * 86_400_000).toISOString() },
      { expiresAt: at.toISOString(), ttl: 3600 },
    ]
    for (const options of refused) await expect(streams.create('dated', options)).rejects.toMatchObject({ code: 'bad_request:expiry' })
    await expect(streams.create('dated', { expiresAt: 'tomorrow' })).rejects.toMatchObject({ code: 'bad_request:options' })
    expect((await streams.list({ namespace: 'dated' })).total).toBe(1)
  })
})

describe('streams stored before expiries were bounded', () => {
  test('an expiry beyond what a Date holds is reported as null instead of breaking get and list', async () => {
    // What `Stream-TTL: 8640000000000` stored before the protocol refused it: written to the store directly.
    const store = await streamStore()
    const path = 'legacy/huge-ttl'
    const created = await store.create(path, { contentType: 'text/plain', expiry: { kind: 'ttl', seconds: 8_640_000_000_000 } })
    expect(created.kind).toBe('created')
    expect((await streams.get(path)).expiresAt).toBeNull()
    const listed = await streams.list({ namespace: 'legacy' })
    expect(listed.streams.map((s) => [s.id, s.expiresAt])).toEqual([[path, null]])
  })
})

describe('streams.follow (the one server-side follower)', () => {
  const decode = (chunks: Uint8Array[]) => new TextDecoder().decode(Buffer.concat(chunks))

  test('reads from an offset, yields each append as it lands (before the next is written), and ends at close', async () => {
    const stream = await streams.create('follow', { contentType: 'text/plain' })
    await stream.write('skip|first|')
    const abort = new AbortController()
    const follow = streams.follow(stream.id, { from: 5, signal: abort.signal })
    const seen: Uint8Array[] = []
    const first = await follow.next()
    seen.push(first.value as Uint8Array)
    // The first part arrived while the rest is not yet written: it streams.
    expect(decode(seen)).toBe('first|')
    const rest = (async () => {
      for await (const chunk of follow) seen.push(chunk)
    })()
    await stream.write('second|')
    await stream.close()
    await rest
    expect(decode(seen)).toBe('first|second|')
  })

  test('ends when the signal is aborted, or when keepWaiting says the writer is gone', async () => {
    const stream = await streams.create('follow', { contentType: 'text/plain' })
    await stream.write('open')
    const abort = new AbortController()
    const aborted: string[] = []
    const reading = (async () => {
      for await (const chunk of streams.follow(stream.id, { signal: abort.signal })) aborted.push(new TextDecoder().decode(chunk))
    })()
    await new Promise((resolve) => setTimeout(resolve, 50))
    abort.abort()
    await reading
    expect(aborted).toEqual(['open'])

    const asked: number[] = []
    const gone: string[] = []
    for await (const chunk of streams.follow(stream.id, {
      signal: new AbortController().signal,
      keepWaiting: async () => (asked.push(1), false),
    })) {
      gone.push(new TextDecoder().decode(chunk))
    }
    expect(gone).toEqual(['open'])
    expect(asked).toHaveLength(1)
  })

  test('refuses an unknown stream and an offset past the tail', async () => {
    const signal = new AbortController().signal
    await expect(streams.follow('follow/none', { signal }).next()).rejects.toMatchObject({ code: 'not_found:stream' })
    const stream = await streams.create('follow', { contentType: 'text/plain' })
    await expect(streams.follow(stream.id, { from: 1, signal }).next()).rejects.toMatchObject({ code: 'bad_request:offset' })
  })
})
