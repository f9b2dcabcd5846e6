import { gunzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { StreamMeta, StreamStore } from '@/lib/durable/store'

/**
 * The contract every {@link StreamStore} implementation must meet. An implementation's test file
 * calls {@link describeStoreContract} with a factory; the embedded store runs it in
 * `embedded-store.test.ts`, and the Redis store will run the same suite.
 */

export interface StoreFixture {
  store: StreamStore
  /** Waits for background work (e.g. compression after close), if the store has any. */
  settle(): Promise<void>
  cleanup(): Promise<void>
}

/** A factory gets the clock the store must use for expiry. */
export type StoreFactory = (options: { now: () => number }) => Promise<StoreFixture>

const text = (s: string) => new TextEncoder().encode(s)
const plain = { contentType: 'text/plain', expiry: { kind: 'none' } } as const

/** The bytes `[from, to)` of a stream, as UTF-8 text. */
export async function readAll(store: StreamStore, meta: StreamMeta, from = 0, to = meta.tail): Promise<string> {
  const chunks: Uint8Array[] = []
  for await (const chunk of store.read(meta, from, to)) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}

/** The meta of a stream that must be live. */
export async function live(store: StreamStore, path: string): Promise<StreamMeta> {
  const found = await store.lookup(path)
  if (found.state !== 'live') throw new Error(`expected ${path} to be live, it is ${found.state}`)
  return found.meta
}

export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`StreamStore contract: ${name}`, () => {
    let clock = 1_700_000_000_000
    let fixture: StoreFixture
    let store: StreamStore
    let unique = 0
    const path = (label: string) => `ns-${label}/s${++unique}`

    beforeEach(async () => {
      clock = 1_700_000_000_000
      fixture = await factory({ now: () => clock })
      store = fixture.store
    })
    afterEach(async () => {
      await fixture.cleanup()
    })

    describe('create and look up', () => {
      test('creates once, then reports the existing stream unchanged', async () => {
        const p = path('create')
        const first = await store.create(p, { ...plain, metadata: { user: 'u1' }, initial: text('hi') })
        expect(first.kind).toBe('created')
        const again = await store.create(p, { contentType: 'application/json', expiry: { kind: 'none' }, initial: text('ignored') })
        expect(again.kind).toBe('exists')
        const meta = await live(store, p)
        expect(meta).toMatchObject({
          path: p,
          namespace: p.split('/')[0],
          contentType: 'text/plain',
          tail: 2,
          closed: false,
          metadata: { user: 'u1' },
        })
        expect(await readAll(store, meta)).toBe('hi')
      })

      test('an unknown path is missing', async () => {
        expect(await store.lookup(path('nothing'))).toEqual({ state: 'missing' })
        expect(await store.delete(path('nothing'))).toBe('missing')
        expect((await store.append(path('nothing'), { data: text('x') })).kind).toBe('missing')
      })

      test('a stream can be created closed, with its whole content', async () => {
        const p = path('closed')
        await store.create(p, { ...plain, closed: true, initial: text('final') })
        const meta = await live(store, p)
        expect(meta.closed).toBe(true)
        expect(await readAll(store, meta)).toBe('final')
        expect(await store.append(p, { data: text('more') })).toEqual({ kind: 'closed', tail: 5 })
      })
    })

    describe('append and read', () => {
      test('appends advance the tail; any range reads back exactly', async () => {
        const p = path('append')
        await store.create(p, plain)
        const tails: number[] = []
        for (const part of ['one', 'two', 'three']) {
          const outcome = await store.append(p, { data: text(part) })
          if (outcome.kind !== 'ok') throw new Error(outcome.kind)
          tails.push(outcome.tail)
        }
        expect(tails).toEqual([3, 6, 11])
        const meta = await live(store, p)
        expect(await readAll(store, meta)).toBe('onetwothree')
        expect(await readAll(store, meta, 3, 6)).toBe('two')
        expect(await readAll(store, meta, 4, 9)).toBe('wothr')
        expect(await readAll(store, meta, 11)).toBe('')
      })

      test('concurrent appends all land, each exactly once, none torn', async () => {
        const p = path('concurrent')
        await store.create(p, plain)
        const parts = Array.from({ length: 50 }, (_, i) => `<${String(i).padStart(3, '0')}>`)
        const outcomes = await Promise.all(parts.map((part) => store.append(p, { data: text(part) })))
        expect(outcomes.every((o) => o.kind === 'ok')).toBe(true)
        const content = await readAll(store, await live(store, p))
        expect(content).toHaveLength(250)
        expect(content.match(/<\d{3}>/g)!.sort()).toEqual(parts)
      })

      test('an incarnation mismatch is refused as missing (the stream was replaced)', async () => {
        const p = path('incarnation')
        await store.create(p, plain)
        const old = await live(store, p)
        await store.delete(p)
        await store.create(p, plain)
        expect((await store.append(p, { data: text('x'), incarnation: old.incarnation })).kind).toBe('missing')
        expect((await live(store, p)).tail).toBe(0)
      })

      test('a stream deleted (or expired) and recreated at the same path has the new configuration, tail and rules', async () => {
        const p = path('reconfigure')
        await store.create(p, { contentType: 'text/plain', expiry: { kind: 'ttl', seconds: 10 }, initial: text('old') })
        await store.append(p, { data: text('!'), producer: { id: 'w', epoch: 3, seq: 0 }, streamSeq: 'b' })
        await store.append(p, { data: text(''), close: true })
        expect(await live(store, p)).toMatchObject({
          contentType: 'text/plain',
          expiry: { kind: 'ttl', seconds: 10 },
          tail: 4,
          closed: true,
        })
        expect(await store.delete(p)).toBe('deleted')

        await store.create(p, { contentType: 'application/json', expiry: { kind: 'at', at: clock + 60_000 }, metadata: { v: '2' } })
        const fresh = await live(store, p)
        expect(fresh).toMatchObject({ contentType: 'application/json', expiry: { kind: 'at', at: clock + 60_000 }, tail: 0, closed: false })
        expect(fresh.metadata).toEqual({ v: '2' })
        // The old stream's producer epoch, writer sequence and closure are gone with it.
        expect(await store.append(p, { data: text('[1]'), producer: { id: 'w', epoch: 0, seq: 0 }, streamSeq: 'a' })).toMatchObject({
          kind: 'ok',
          tail: 3,
        })
        expect(await live(store, p)).toMatchObject({ tail: 3, expiresAt: clock + 60_000 })

        // Expired, then made again: the expired stream's row is not what a look-up finds.
        clock += 60_000
        expect(await store.lookup(p)).toEqual({ state: 'missing' })
        await store.create(p, { contentType: 'text/csv', expiry: { kind: 'ttl', seconds: 5 } })
        expect(await live(store, p)).toMatchObject({ contentType: 'text/csv', expiry: { kind: 'ttl', seconds: 5 }, tail: 0 })
        expect((await store.append(p, { data: text('a,b') })).kind).toBe('ok')
        expect(await live(store, p)).toMatchObject({ tail: 3, expiresAt: clock + 5_000 })
      })

      test('a recreated stream does not show the deleted one\u2019s data', async () => {
        const p = path('recreate')
        await store.create(p, { ...plain, initial: text('old data') })
        expect(await store.delete(p)).toBe('deleted')
        expect(await store.lookup(p)).toEqual({ state: 'missing' })
        await store.create(p, { ...plain, initial: text('new') })
        expect(await readAll(store, await live(store, p))).toBe('new')
      })
    })

    describe('closing', () => {
      test('close with a final append, then refuse appends; a plain close is idempotent', async () => {
        const p = path('close')
        await store.create(p, plain)
        expect(await store.append(p, { data: text('last'), close: true })).toMatchObject({ kind: 'ok', tail: 4, closed: true })
        expect(await store.append(p, { data: text('x') })).toEqual({ kind: 'closed', tail: 4 })
        expect(await store.append(p, { data: text(''), close: true })).toMatchObject({ kind: 'ok', tail: 4, closed: true })
        expect(await store.append(p, { data: text('x'), close: true })).toEqual({ kind: 'closed', tail: 4 })
        expect((await live(store, p)).closed).toBe(true)
      })

      test('the producer that closed a stream can retry its closing request', async () => {
        const p = path('close-producer')
        await store.create(p, plain)
        const claim = { id: 'p', epoch: 0, seq: 0 }
        expect(await store.append(p, { data: text('end'), close: true, producer: claim })).toMatchObject({
          kind: 'ok',
          duplicate: false,
          closed: true,
        })
        expect(await store.append(p, { data: text('other'), close: true, producer: claim })).toMatchObject({
          kind: 'ok',
          duplicate: true,
          closed: true,
        })
        expect(await store.append(p, { data: text('x'), close: true, producer: { ...claim, seq: 1 } })).toEqual({ kind: 'closed', tail: 3 })
        const meta = await live(store, p)
        expect(meta.closedBy).toEqual(claim)
        expect(await readAll(store, meta)).toBe('end')
      })
    })

    describe('idempotent producers and writer sequences', () => {
      test('accepts in order, recognises retries, fences stale epochs, refuses gaps', async () => {
        const p = path('producer')
        await store.create(p, plain)
        const send = (epoch: number, seq: number, data = `${epoch}.${seq};`) =>
          store.append(p, { data: text(data), producer: { id: 'w', epoch, seq } })
        expect(await send(0, 0)).toMatchObject({ kind: 'ok', duplicate: false, producer: { epoch: 0, seq: 0 } })
        expect(await send(0, 1)).toMatchObject({ kind: 'ok', duplicate: false, producer: { epoch: 0, seq: 1 } })
        expect(await send(0, 0)).toMatchObject({ kind: 'ok', duplicate: true, producer: { epoch: 0, seq: 1 } })
        expect(await send(0, 3)).toEqual({ kind: 'seq-gap', expected: 2, received: 3 })
        expect(await send(1, 2)).toEqual({ kind: 'bad-epoch-start' })
        expect(await send(1, 0)).toMatchObject({ kind: 'ok', producer: { epoch: 1, seq: 0 } })
        expect(await send(0, 2)).toEqual({ kind: 'stale-epoch', epoch: 1 })
        expect(await readAll(store, await live(store, p))).toBe('0.0;0.1;1.0;')
      })

      test('a new producer must start at sequence 0; producers are independent', async () => {
        const p = path('producers')
        await store.create(p, plain)
        expect(await store.append(p, { data: text('a'), producer: { id: 'a', epoch: 0, seq: 1 } })).toEqual({
          kind: 'seq-gap',
          expected: 0,
          received: 1,
        })
        expect((await store.append(p, { data: text('a'), producer: { id: 'a', epoch: 0, seq: 0 } })).kind).toBe('ok')
        expect((await store.append(p, { data: text('b'), producer: { id: 'b', epoch: 0, seq: 0 } })).kind).toBe('ok')
      })

      test('writer sequences must increase byte-wise; a producer retry wins over a sequence conflict', async () => {
        const p = path('seq')
        await store.create(p, plain)
        expect((await store.append(p, { data: text('1'), streamSeq: '09' })).kind).toBe('ok')
        expect((await store.append(p, { data: text('2'), streamSeq: '10' })).kind).toBe('ok')
        expect(await store.append(p, { data: text('3'), streamSeq: '2' })).toEqual({
          kind: 'ok',
          tail: 3,
          closed: false,
          duplicate: false,
          producer: undefined,
        })
        expect(await store.append(p, { data: text('4'), streamSeq: '10' })).toEqual({ kind: 'stream-seq-regression', last: '2' })
        const claim = { id: 'q', epoch: 0, seq: 0 }
        expect((await store.append(p, { data: text('5'), streamSeq: '3', producer: claim })).kind).toBe('ok')
        expect(await store.append(p, { data: text('5'), streamSeq: '3', producer: claim })).toMatchObject({ kind: 'ok', duplicate: true })
        expect(await readAll(store, await live(store, p))).toBe('1235')
      })
    })

    describe('waiting for appends', () => {
      test('one append wakes every waiting reader at once, and no waiter is left behind', async () => {
        const p = path('wait')
        await store.create(p, plain)
        const waits = Array.from({ length: 25 }, () => store.waitForChange(p, 0, { timeoutMs: 60_000 }))
        await store.append(p, { data: text('x') })
        expect(await Promise.all(waits)).toEqual(Array(25).fill('changed'))
      })

      test('returns at once when the stream already moved past, closed, or disappeared', async () => {
        const p = path('wait-now')
        await store.create(p, { ...plain, initial: text('abc') })
        expect(await store.waitForChange(p, 1, { timeoutMs: 60_000 })).toBe('changed')
        await store.append(p, { data: text(''), close: true })
        expect(await store.waitForChange(p, 3, { timeoutMs: 60_000 })).toBe('changed')
        expect(await store.waitForChange(path('absent'), 0, { timeoutMs: 60_000 })).toBe('changed')
      })

      test('times out, or ends when aborted', async () => {
        const p = path('wait-end')
        await store.create(p, plain)
        expect(await store.waitForChange(p, 0, { timeoutMs: 10 })).toBe('timeout')
        const controller = new AbortController()
        const waiting = store.waitForChange(p, 0, { timeoutMs: 60_000, signal: controller.signal })
        controller.abort()
        expect(await waiting).toBe('aborted')
      })

      test('a delete wakes waiting readers', async () => {
        const p = path('wait-delete')
        await store.create(p, plain)
        const waiting = store.waitForChange(p, 0, { timeoutMs: 60_000 })
        await store.delete(p)
        expect(await waiting).toBe('changed')
      })
    })

    describe('forks', () => {
      const fork = (source: string, position: number) => ({ source, position, anchor: position, subOffset: 0 })

      test('a fork copies the source up to the fork position and then lives on its own', async () => {
        const src = path('fork-src')
        await store.create(src, { ...plain, initial: text('hello world') })
        expect((await store.create(path('fork'), { ...plain, fork: fork(src, 99) })).kind).toBe('fork-out-of-range')
        const f = path('fork')
        expect((await store.create(f, { ...plain, fork: fork(src, 5), initial: text('!') })).kind).toBe('created')
        await store.append(src, { data: text(' source') })
        await store.append(f, { data: text('?') })
        expect(await readAll(store, await live(store, f))).toBe('hello!?')
        expect(await readAll(store, await live(store, src))).toBe('hello world source')
        expect((await live(store, f)).fork).toEqual(fork(src, 5))
      })

      test('forks of missing sources are refused', async () => {
        expect((await store.create(path('f'), { ...plain, fork: fork(path('none'), 0) })).kind).toBe('source-missing')
      })

      test('a source with forks is soft-deleted, then removed with its last fork', async () => {
        const src = path('soft')
        const f1 = path('soft-f1')
        const f2 = path('soft-f2')
        await store.create(src, { ...plain, initial: text('data') })
        await store.create(f1, { ...plain, fork: fork(src, 4) })
        await store.create(f2, { ...plain, fork: fork(f1, 2) })
        expect(await store.delete(src)).toBe('soft-deleted')
        expect(await store.delete(f1)).toBe('soft-deleted')
        expect(await store.lookup(src)).toEqual({ state: 'gone' })
        expect(await store.delete(src)).toBe('gone')
        expect((await store.create(src, plain)).kind).toBe('gone')
        expect((await store.create(path('soft-f3'), { ...plain, fork: fork(src, 0) })).kind).toBe('source-gone')
        expect((await store.append(src, { data: text('x') })).kind).toBe('gone')
        expect(await readAll(store, await live(store, f2))).toBe('da')
        expect(await store.delete(f2)).toBe('deleted')
        expect(await store.lookup(f1)).toEqual({ state: 'missing' })
        expect(await store.lookup(src)).toEqual({ state: 'missing' })
      })
    })

    describe('expiry', () => {
      test('a sliding TTL restarts on writes and touches, not on look-ups', async () => {
        const p = path('ttl')
        await store.create(p, { contentType: 'text/plain', expiry: { kind: 'ttl', seconds: 10 } })
        clock += 8_000
        await store.append(p, { data: text('x') })
        clock += 8_000
        await store.touch(p)
        clock += 8_000
        expect((await live(store, p)).expiresAt).toBe(clock + 2_000)
        clock += 2_000
        expect(await store.lookup(p)).toEqual({ state: 'missing' })
      })

      test('a fixed expiry ignores activity; sweep removes expired streams', async () => {
        const p = path('at')
        const q = path('at')
        await store.create(p, { contentType: 'text/plain', expiry: { kind: 'at', at: clock + 5_000 } })
        await store.create(q, { contentType: 'text/plain', expiry: { kind: 'at', at: clock + 50_000 } })
        clock += 4_000
        await store.append(p, { data: text('x') })
        await store.touch(p)
        clock += 1_000
        expect(await store.sweep()).toBe(1)
        expect(await store.lookup(p)).toEqual({ state: 'missing' })
        expect((await store.lookup(q)).state).toBe('live')
      })
    })

    describe('listing', () => {
      test('filters by namespace and metadata, pages newest first, counts the total', async () => {
        const ns = `list${++unique}`
        for (let i = 0; i < 5; i++) {
          clock += 1_000
          await store.create(`${ns}/s${i}`, { ...plain, metadata: { parity: i % 2 === 0 ? 'even' : 'odd', i: String(i) } })
        }
        await store.create(`${ns}-other/x`, plain)
        const all = await store.list({ namespace: ns, limit: 2, offset: 0 })
        expect(all.total).toBe(5)
        expect(all.streams.map((s) => s.path)).toEqual([`${ns}/s4`, `${ns}/s3`])
        const page = await store.list({ namespace: ns, limit: 2, offset: 4 })
        expect(page.streams.map((s) => s.path)).toEqual([`${ns}/s0`])
        const even = await store.list({ namespace: ns, metadata: { parity: 'even' }, limit: 10, offset: 0 })
        expect(even.streams.map((s) => s.metadata.i)).toEqual(['4', '2', '0'])
        const exact = await store.list({ namespace: ns, metadata: { parity: 'even', i: '2' }, limit: 10, offset: 0 })
        expect(exact.total).toBe(1)
      })

      test('expired and deleted streams are not listed', async () => {
        const ns = `gone${++unique}`
        await store.create(`${ns}/a`, { contentType: 'text/plain', expiry: { kind: 'at', at: clock + 1_000 } })
        await store.create(`${ns}/b`, plain)
        await store.create(`${ns}/c`, plain)
        await store.delete(`${ns}/c`)
        clock += 1_000
        expect((await store.list({ namespace: ns, limit: 10, offset: 0 })).streams.map((s) => s.path)).toEqual([`${ns}/b`])
      })
    })

    describe('compression at rest', () => {
      test('a compress stream is stored gzip once closed, and reads the same', async () => {
        const p = path('gzip')
        await store.create(p, { ...plain, compress: true })
        const line = 'id,name,email\n'.repeat(200)
        await store.append(p, { data: text(line) })
        await store.append(p, { data: text('end\n'), close: true })
        await fixture.settle()
        const meta = await live(store, p)
        expect(meta.compressed).toBe(true)
        expect(meta.storedBytes).toBeLessThan(meta.tail / 4)
        expect(await readAll(store, meta)).toBe(`${line}end\n`)
        expect(await readAll(store, meta, 14, 28)).toBe('id,name,email\n')
        const gz: Uint8Array[] = []
        for await (const chunk of store.readCompressed(meta)!) gz.push(chunk)
        expect(gunzipSync(Buffer.concat(gz)).toString()).toBe(`${line}end\n`)
      })

      test('an open stream is not compressed', async () => {
        const p = path('gzip-open')
        await store.create(p, { ...plain, compress: true, initial: text('abc') })
        await fixture.settle()
        const meta = await live(store, p)
        expect(meta.compressed).toBe(false)
        expect(store.readCompressed(meta)).toBeUndefined()
      })
    })
  })
}
