import fs from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { EmbeddedStore } from '@/lib/durable/embedded/embedded-store'
import { describeStoreContract } from './store-contract'

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

  async function fsyncStore(): Promise<EmbeddedStore> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-group-commit-'))
    const store = await EmbeddedStore.open({ dir, durability: 'fsync' })
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
    const fdatasync = fs.fdatasyncSync
    vi.spyOn(fs, 'fdatasyncSync').mockImplementation((fd) => {
      events.push('fdatasync')
      fdatasync(fd)
    })
    const flushesBefore = store.group!.flushes
    const appends = Array.from({ length: 32 }, (_, i) =>
      store.append('s', { data: text(`line ${i}\n`) }).then((outcome) => {
        events.push('ack')
        return outcome
      }),
    )
    const outcomes = await Promise.all(appends)
    expect(outcomes.every((o) => o.kind === 'ok')).toBe(true)
    // One flush for all 32: the data file, then the catalogue's log — then the 32 acknowledgements.
    expect(store.group!.flushes - flushesBefore).toBe(1)
    expect(events).toEqual(['fdatasync', 'fdatasync', ...Array<string>(32).fill('ack')])
  })

  test('appends that do not overlap each get their own flush', async () => {
    const store = await fsyncStore()
    const before = store.group!.flushes
    await store.append('s', { data: text('a') })
    await store.append('s', { data: text('b') })
    expect(store.group!.flushes - before).toBe(2)
  })

  test('an append whose flush fails is not acknowledged', async () => {
    const store = await fsyncStore()
    await store.append('s', { data: text('warm-up') })
    vi.spyOn(fs, 'fdatasyncSync').mockImplementation(() => {
      throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })
    })
    const results = await Promise.allSettled([store.append('s', { data: text('x') }), store.append('s', { data: text('y') })])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
  })
})
