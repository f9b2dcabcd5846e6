import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { ChangeNotifier } from '@/lib/notifier'
import { streamStore } from '@/lib/durable/instance'
import { liveList, type ListPage } from '@/lib/durable/live-list'
import { streams } from '@/lib/durable/service'

// The live list waits on the process-wide store under SLUICE_DATA_DIR (read lazily, on first use).
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sluice-live-list-'))
process.env.SLUICE_DATA_DIR = dataDir

afterAll(async () => {
  await (await streamStore()).dispose()
  rmSync(dataDir, { recursive: true, force: true })
})

/** A live list of namespace `ns`, with "the set changed" announced through `announcements`. */
function watch(ns: string, announcements: ChangeNotifier, controller: AbortController) {
  const pages = liveList<ListPage>(
    {
      read: () => streams.list({ namespace: ns }),
      listen: async () => announcements.subscribe(ns),
    },
    { signal: controller.signal, lifetimeMs: 60_000 },
  )
  return pages[Symbol.asyncIterator]()
}

describe('liveList', () => {
  test('sends the page at once, then again on a write, a close and an announced creation — woken, not polled', async () => {
    const announcements = new ChangeNotifier()
    const controller = new AbortController()
    const first = await streams.create('live-a', { contentType: 'text/plain' })
    const pages = watch('live-a', announcements, controller)
    try {
      const initial = (await pages.next()).value as ListPage
      expect(initial.streams.map((s) => [s.id, s.sizeBytes, s.closed])).toEqual([[first.id, 0, false]])

      await first.write('hello')
      const written = (await pages.next()).value as ListPage
      expect(written.streams[0]).toMatchObject({ id: first.id, sizeBytes: 5, closed: false })

      await first.close()
      const closed = (await pages.next()).value as ListPage
      expect(closed.streams[0]).toMatchObject({ id: first.id, closed: true })

      // A new stream is only seen when announced (the owner store's job): without it, nothing.
      const second = await streams.create('live-a')
      const next = pages.next()
      const quiet = await Promise.race([next.then(() => 'page'), new Promise((r) => setTimeout(() => r('quiet'), 600))])
      expect(quiet).toBe('quiet')
      announcements.notify('live-a')
      const created = (await next).value as ListPage
      expect(created.streams.map((s) => s.id)).toEqual([second.id, first.id])
    } finally {
      controller.abort()
      await pages.return?.(undefined)
    }
  })

  test('ends after its lifetime and when aborted, leaving no waiter behind', async () => {
    const announcements = new ChangeNotifier()
    await streams.create('live-b')
    const controller = new AbortController()
    const pages = liveList<ListPage>(
      { read: () => streams.list({ namespace: 'live-b' }), listen: async () => announcements.subscribe('live-b') },
      { signal: controller.signal, lifetimeMs: 300 },
    )
    const seen: ListPage[] = []
    for await (const page of pages) seen.push(page)
    expect(seen).toHaveLength(1)
    expect(announcements.subscribers()).toBe(0)

    const aborted = new AbortController()
    const more = liveList<ListPage>(
      { read: () => streams.list({ namespace: 'live-b' }), listen: async () => announcements.subscribe('live-b') },
      { signal: aborted.signal, lifetimeMs: 60_000 },
    )
    const iterator = more[Symbol.asyncIterator]()
    await iterator.next()
    const ended = iterator.next()
    aborted.abort()
    expect((await ended).done).toBe(true)
    expect(announcements.subscribers()).toBe(0)
  })
})
