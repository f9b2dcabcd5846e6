import fs from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { EmbeddedStore } from '@/lib/durable/embedded/embedded-store'
import { describeStoreContract, live, readAll } from './store-contract'

// The whole contract again with `fsync` durability: group commit changes when answers come, not what they are.
describeStoreContract('embedded (SQLite + files), fsync durability', async ({ now }) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-store-fsync-'))
  const store = await EmbeddedStore.open({ dir, now, durability: 'fsync' })
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

describe('group commit (SLUICE_STREAMS_DURABILITY=fsync)', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    vi.restoreAllMocks()
    for (const cleanup of cleanups.splice(0)) await cleanup()
  })

  /** Flushes on the thread pool unless `slowFlushMs` says otherwise (the default store decides by how long they take). */
  async function fsyncStore(slowFlushMs = 0): Promise<EmbeddedStore> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-group-commit-'))
    const store = await EmbeddedStore.open({ dir, durability: 'fsync', slowFlushMs })
    cleanups.push(async () => {
      await store.dispose()
      await rm(dir, { recursive: true, force: true })
    })
    const created = await store.create('s', { contentType: 'text/plain', expiry: { kind: 'none' } })
    expect(created.kind).toBe('created')
    return store
  }

  test('concurrent appends share one flush, and none is acknowledged before it', async () => {
    const store = await fsyncStore()
    await store.append('s', { data: text('warm-up') }) // opens the data file and the log
    const events: string[] = []
    const fdatasync = fs.fdatasync
    vi.spyOn(fs, 'fdatasync').mockImplementation((fd, callback) => {
      events.push('fdatasync')
      fdatasync(fd, callback)
    })
    const flushesBefore = store.fsync!.group.flushes
    const appends = Array.from({ length: 32 }, (_, i) =>
      store.append('s', { data: text(`line ${i}\n`) }).then((outcome) => {
        events.push('ack')
        return outcome
      }),
    )
    const outcomes = await Promise.all(appends)
    expect(outcomes.every((o) => o.kind === 'ok')).toBe(true)
    // One flush for all 32: the data file and the catalogue's log — then the 32 acknowledgements.
    expect(store.fsync!.group.flushes - flushesBefore).toBe(1)
    expect(events).toEqual(['fdatasync', 'fdatasync', ...Array<string>(32).fill('ack')])
  })

  test('appends that do not overlap each get their own flush', async () => {
    const store = await fsyncStore()
    const before = store.fsync!.group.flushes
    await store.append('s', { data: text('a') })
    await store.append('s', { data: text('b') })
    expect(store.fsync!.group.flushes - before).toBe(2)
  })

  test('an append whose flush fails is not acknowledged', async () => {
    const store = await fsyncStore()
    await store.append('s', { data: text('warm-up') })
    vi.spyOn(fs, 'fdatasync').mockImplementation((_fd, callback) => {
      callback(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }))
    })
    const results = await Promise.allSettled([store.append('s', { data: text('x') }), store.append('s', { data: text('y') })])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
  })

  /** Holds every `fdatasync` until released (a flush still on its way to the disk); counts them and their descriptors. */
  function holdFlushes() {
    const fdatasync = fs.fdatasync
    let held: Array<() => void> = []
    const fds: number[] = []
    vi.spyOn(fs, 'fdatasync').mockImplementation((fd, callback) => {
      fds.push(fd)
      held.push(() => fdatasync(fd, callback))
    })
    const release = () => {
      const now = held
      held = []
      for (const go of now) go()
    }
    /** Releases each flush as it comes until `work` settles. */
    const releaseUntil = async <T>(work: Promise<T>): Promise<T> => {
      let settled = false
      void work.finally(() => (settled = true)).catch(() => {})
      while (!settled) {
        release()
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      return work
    }
    // A failed test must not leave its store waiting on a held flush: release first, then dispose.
    cleanups.unshift(async () => {
      vi.restoreAllMocks()
      release()
    })
    return { calls: () => fds.length, fds: () => [...fds], release, releaseUntil }
  }

  test('a flush runs off the event loop: the store answers meanwhile; an append waits to commit until it is over', async () => {
    const store = await fsyncStore()
    await store.append('s', { data: text('warm-up') })
    const tail = async () => {
      const found = await store.lookup('s')
      return found.state === 'live' ? found.meta.tail : -1
    }
    const flushes = holdFlushes()
    const before = store.fsync!.group.flushes
    const acked: string[] = []
    const first = store.append('s', { data: text('a') }).then((o) => acked.push(`a:${o.kind}`))
    await vi.waitFor(() => expect(flushes.calls()).toBe(1)) // the data file first
    // The flush is on its way to the disk, and the event loop is free: a lookup answers.
    const afterA = await tail()
    const second = store.append('s', { data: text('b') }).then((o) => acked.push(`b:${o.kind}`))
    await new Promise((resolve) => setTimeout(resolve, 20))
    // b has not committed (the flush could make its tail durable without its bytes), nor is a acknowledged.
    expect(await tail()).toBe(afterA)
    expect(acked).toEqual([])
    flushes.release() // the data file is on disk: now the catalogue's log
    await vi.waitFor(() => expect(flushes.calls()).toBe(2))
    expect(await tail()).toBe(afterA)
    expect(acked).toEqual([])
    flushes.release()
    await first
    expect(acked).toEqual(['a:ok'])
    await vi.waitFor(() => expect(flushes.calls()).toBe(3)) // b committed, and its own flush began
    expect(await tail()).toBe(afterA + 1)
    expect(acked).toEqual(['a:ok'])
    await flushes.releaseUntil(second)
    expect(acked).toEqual(['a:ok', 'b:ok'])
    expect(store.fsync!.group.flushes - before).toBe(2)
  })

  test('one flush at a time: a change that does not wait to commit (a create) still waits for the running flush to end before its own starts', async () => {
    const store = await fsyncStore()
    await store.append('s', { data: text('warm-up') })
    const flushes = holdFlushes()
    const append = store.append('s', { data: text('a') })
    await vi.waitFor(() => expect(flushes.calls()).toBe(1))
    const created = store.create('t', { contentType: 'text/plain', expiry: { kind: 'none' } })
    await new Promise((resolve) => setTimeout(resolve, 20))
    // A second flush now would flush the log (with a's tail in it) before a's bytes are on disk.
    expect(flushes.calls()).toBe(1)
    expect((await flushes.releaseUntil(append)).kind).toBe('ok')
    expect((await flushes.releaseUntil(created)).kind).toBe('created')
  })

  test('a data file evicted while its flush runs is closed only after the flush', async () => {
    const store = await fsyncStore()
    await store.append('s', { data: text('warm-up') })
    const flushes = holdFlushes()
    const closeSync = fs.closeSync
    const closed: number[] = []
    vi.spyOn(fs, 'closeSync').mockImplementation((fd) => {
      closed.push(fd)
      closeSync(fd)
    })
    const append = store.append('s', { data: text('a') })
    await vi.waitFor(() => expect(flushes.calls()).toBe(1))
    const [flushing] = flushes.fds()
    // 64 more streams open their data files while the flush runs: the store keeps 64 open, so the
    // file of 's' is evicted. Its number must stay taken until its flush is over.
    const spec = { contentType: 'text/plain', expiry: { kind: 'none' } } as const
    const creates = Promise.all(Array.from({ length: 64 }, (_, i) => store.create(`t${i}`, spec)))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(closed).not.toContain(flushing)
    expect((await flushes.releaseUntil(append)).kind).toBe('ok') // its fdatasync found the file open
    expect(closed).toContain(flushing) // and closed it after
    expect((await flushes.releaseUntil(creates)).every((o) => o.kind === 'created')).toBe(true)
  })

  test('a data file evicted before its flush is flushed with the group, off the event loop, and closed after it', async () => {
    const store = await fsyncStore() // flushes on the thread pool
    await store.append('s', { data: text('warm-up') })
    const inline = vi.spyOn(fs, 'fdatasyncSync')
    const events: string[] = []
    const fdatasync = fs.fdatasync
    vi.spyOn(fs, 'fdatasync').mockImplementation((fd, callback) => {
      events.push(`flush ${fd}`)
      fdatasync(fd, callback)
    })
    const closeSync = fs.closeSync
    const closed: number[] = []
    vi.spyOn(fs, 'closeSync').mockImplementation((fd) => {
      closed.push(fd)
      events.push(`close ${fd}`)
      closeSync(fd)
    })
    // In one turn: 'a' is written to the file of 's' (its flush starts on the next turn), then 64
    // more streams open their files, so the file of 's' is evicted before that flush.
    const append = store.append('s', { data: text('a') }).then((outcome) => {
      events.push('ack')
      return outcome
    })
    const spec = { contentType: 'text/plain', expiry: { kind: 'none' } } as const
    const creates = Promise.all(Array.from({ length: 64 }, (_, i) => store.create(`t${i}`, spec)))
    expect(closed).toEqual([]) // not closed at eviction: its appends wait for its flush
    expect((await append).kind).toBe('ok')
    expect((await creates).every((o) => o.kind === 'created')).toBe(true)
    expect(inline).not.toHaveBeenCalled() // no flush on the event loop
    expect(closed).toHaveLength(1)
    const evicted = closed[0]
    expect(events.indexOf(`flush ${evicted}`)).toBeGreaterThan(-1)
    expect(events.indexOf(`flush ${evicted}`)).toBeLessThan(events.indexOf(`close ${evicted}`))
    expect(events.indexOf(`flush ${evicted}`)).toBeLessThan(events.indexOf('ack'))
    expect(await readAll(store, await live(store, 's'))).toBe('warm-upa')
  })

  test('fast flushes run inline on the event loop; after a slow one, flushes go to the thread pool until they are fast again', async () => {
    const store = await fsyncStore(1) // the default: 1 ms
    const fdatasyncSync = fs.fdatasyncSync
    const inline = vi.spyOn(fs, 'fdatasyncSync')
    const pooled = vi.spyOn(fs, 'fdatasync')
    await store.append('s', { data: text('a') })
    expect(inline).toHaveBeenCalledTimes(2) // the data file, the log: a fast disk
    expect(pooled).not.toHaveBeenCalled()
    // The disk stalls once: 10 ms.
    inline.mockImplementationOnce((fd) => {
      const until = performance.now() + 10
      while (performance.now() < until);
      fdatasyncSync(fd)
    })
    await store.append('s', { data: text('b') })
    expect(inline).toHaveBeenCalledTimes(3) // the slow one; then the log already went to the pool
    expect(pooled).toHaveBeenCalledTimes(1)
    inline.mockClear()
    pooled.mockClear()
    await store.append('s', { data: text('c') })
    expect(pooled).toHaveBeenCalledTimes(2)
    expect(inline).not.toHaveBeenCalled()
    // Fast again: the average falls under 1 ms within a few flushes, and they run inline.
    for (let i = 0; i < 20; i++) await store.append('s', { data: text('d') })
    inline.mockClear()
    pooled.mockClear()
    await store.append('s', { data: text('e') })
    expect(inline).toHaveBeenCalledTimes(2)
    expect(pooled).not.toHaveBeenCalled()
  })
})
