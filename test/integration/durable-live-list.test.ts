import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { readSse } from '@/lib/stream/client'
import { startServer, type TestServer } from '../support/server'
import { anonymousFetch, newVisitor } from '../support/visitor'

/**
 * `GET /api/durable?live=sse`: the caller's list of streams, pushed again whenever it changes —
 * a stream created (from the page or curl, with the visitor's cookie), written, closed or deleted
 * — to its own visitor only (the operator: everyone's), with a cap on open lists per visitor. And
 * `yours` in a stream's metadata, which the page uses to offer writing and closing.
 */
const OPERATOR = 'test-operator-token-0123'
const operator = { Authorization: `Bearer ${OPERATOR}` }
let server: TestServer

beforeAll(async () => {
  server = await startServer({ env: { SLUICE_OPERATOR_TOKEN: OPERATOR } })
})
afterAll(async () => {
  await server?.stop()
})

interface Page {
  total: number
  streams: Array<{ id: string; sizeBytes: number; closed: boolean; metadata: Record<string, string> }>
}

/** A live list being read: every `streams` event so far, and a way to wait for one that matches. */
function openList(fetcher: typeof fetch, query = '', headers: Record<string, string> = {}) {
  const controller = new AbortController()
  const pages: Page[] = []
  let wake: () => void = () => {}
  let from = 0
  const response = fetcher(`${server.baseUrl}/api/durable?live=sse${query}`, { signal: controller.signal, headers })
  const reading = (async () => {
    const res = await response
    if (!res.ok) return
    try {
      for await (const event of readSse(res, { signal: controller.signal })) {
        if (event.event !== 'streams') continue
        pages.push(JSON.parse(event.data) as Page)
        wake()
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error
    }
  })()
  return {
    response,
    pages,
    /** The first page since the one the last `until` returned (received already or not) for which `check` holds. */
    async until(check: (page: Page) => boolean): Promise<Page> {
      for (;;) {
        const index = pages.findIndex((page, i) => i >= from && check(page))
        if (index >= 0) {
          from = index
          return pages[index]!
        }
        await new Promise<void>((resolve) => (wake = resolve))
      }
    },
    async close() {
      controller.abort()
      await reading
    },
  }
}

const has =
  (id: string, check: (s: Page['streams'][number]) => boolean = () => true) =>
  (page: Page) =>
    page.streams.some((s) => s.id === id && check(s))

describe('the live list of the caller’s streams', () => {
  test('is an SSE stream of `streams` events that follows creates, writes, closes and deletes — the owner’s only', async () => {
    const alice = newVisitor()
    const bob = newVisitor()
    // Alice gets her identity first, so that her list and her writes are one visitor.
    await alice.fetch(`${server.baseUrl}/api/durable`)
    const aliceList = openList(alice.fetch)
    const bobList = openList(bob.fetch)
    const operatorList = openList(anonymousFetch, '', operator)
    try {
      const res = await aliceList.response
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
      expect(await aliceList.until(() => true)).toEqual({ total: 0, limit: 100, offset: 0, streams: [] })
      await bobList.until(() => true) // bob has his identity too

      // Created from "the page" (POST /api/durable with her cookie): pushed, no reload.
      const created = await alice.fetch(`${server.baseUrl}/api/durable`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ namespace: 'live', contentType: 'text/plain', metadata: { who: 'alice' } }),
      })
      expect(created.status).toBe(201)
      const { id, url } = (await created.json()) as { id: string; url: string }
      expect((await aliceList.until(has(id))).total).toBe(1)
      // It streamed: the list answered and kept the connection open while the stream was made.

      // Written and closed over the protocol, as curl or the CLI would with her cookie.
      const append = await alice.fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hello live list' })
      expect(append.status).toBe(204)
      await aliceList.until(has(id, (s) => s.sizeBytes === 15 && !s.closed))
      expect((await alice.fetch(url, { method: 'POST', headers: { 'Stream-Closed': 'true' } })).status).toBe(204)
      await aliceList.until(has(id, (s) => s.closed))
      // The operator's list has everyone's streams.
      await operatorList.until(has(id, (s) => s.closed))

      // Made with curl and her cookie jar over the protocol: a PUT is claimed, and announced, too.
      const put = `${server.baseUrl}/v1/stream/live/put-${Date.now()}`
      expect((await alice.fetch(put, { method: 'PUT', headers: { 'Content-Type': 'text/plain' } })).status).toBe(201)
      const putId = new URL(put).pathname.slice('/v1/stream/'.length)
      await aliceList.until(has(putId))

      expect((await alice.fetch(`${server.baseUrl}/api/durable/${id}`, { method: 'DELETE' })).status).toBe(204)
      const after = await aliceList.until((page) => !page.streams.some((s) => s.id === id))
      expect(after.streams.map((s) => s.id)).toEqual([putId])

      // Bob's list heard nothing of it: its one page is his own empty list, and his own stream
      // arrives next — after all of alice's changes.
      const mine = await bob.fetch(`${server.baseUrl}/api/durable`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ namespace: 'bobs' }),
      })
      const bobs = ((await mine.json()) as { id: string }).id
      await bobList.until(has(bobs))
      expect(bobList.pages.map((p) => p.streams.map((s) => s.id))).toEqual([[], [bobs]])
      expect(aliceList.pages.flatMap((p) => p.streams.map((s) => s.id))).not.toContain(bobs)
    } finally {
      await Promise.all([aliceList.close(), bobList.close(), operatorList.close()])
    }
  })

  test('filters and pages as the JSON list does; a live page holds at most 100', async () => {
    const carol = newVisitor()
    const list = openList(carol.fetch, '&namespace=wanted&meta.k=v&limit=1')
    try {
      await list.until(() => true)
      const post = (body: unknown) =>
        carol.fetch(`${server.baseUrl}/api/durable`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        })
      const other = ((await (await post({ namespace: 'other', metadata: { k: 'v' } })).json()) as { id: string }).id
      const wanted = ((await (await post({ namespace: 'wanted', metadata: { k: 'v' } })).json()) as { id: string }).id
      const page = await list.until(has(wanted))
      expect(page).toMatchObject({ total: 1, limit: 1, offset: 0 })
      expect(list.pages.flatMap((p) => p.streams.map((s) => s.id))).not.toContain(other)
    } finally {
      await list.close()
    }
    const refused = await carol.fetch(`${server.baseUrl}/api/durable?live=sse&limit=101`)
    expect(refused.status).toBe(400)
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'bad_request:query',
      message: expect.stringContaining('at most 100'),
    })
    expect((await carol.fetch(`${server.baseUrl}/api/durable?live=poll`)).status).toBe(400)
  })

  test('a visitor has at most 4 open at once: the 5th is a 429 with Retry-After, and another visitor is not held back', async () => {
    const dave = newVisitor()
    await dave.fetch(`${server.baseUrl}/api/durable`)
    const lists = [0, 1, 2, 3].map(() => openList(dave.fetch))
    try {
      for (const list of lists) expect((await list.response).status).toBe(200)
      const fifth = await dave.fetch(`${server.baseUrl}/api/durable?live=sse`)
      expect(fifth.status).toBe(429)
      expect(fifth.headers.get('retry-after')).toBe('5')
      expect(((await fifth.json()) as { error: { code: string } }).error.code).toBe('rate_limited:live-list')

      const erin = openList(newVisitor().fetch)
      expect((await erin.response).status).toBe(200)
      await erin.close()

      // Closing one frees its place (once the server has seen the connection end).
      await lists.pop()!.close()
      await vi.waitFor(
        async () => {
          const again = await dave.fetch(`${server.baseUrl}/api/durable?live=sse`)
          await again.body?.cancel()
          expect(again.status).toBe(200)
        },
        { timeout: 10_000, interval: 200 },
      )
    } finally {
      await Promise.all(lists.map((list) => list.close()))
    }
  })
})

describe('a stream’s metadata says whether it is yours', () => {
  test('the owner: yes; another visitor, a stranger without cookies: no; the operator: yes', async () => {
    const owner = newVisitor()
    await owner.fetch(`${server.baseUrl}/api/durable`) // an identity first: a stream made without one is nobody's
    const created = await owner.fetch(`${server.baseUrl}/api/durable`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ namespace: 'mine' }),
    })
    const { id } = (await created.json()) as { id: string }
    const yours = async (fetcher: typeof fetch, headers: Record<string, string> = {}) =>
      ((await (await fetcher(`${server.baseUrl}/api/durable/${id}`, { headers })).json()) as { yours: boolean }).yours
    expect(await yours(owner.fetch)).toBe(true)
    expect(await yours(newVisitor().fetch)).toBe(false)
    expect(await yours(anonymousFetch)).toBe(false)
    expect(await yours(anonymousFetch, operator)).toBe(true)
    // Reading the metadata gives nobody an identity (a link holder stays anonymous).
    const anonymous = await anonymousFetch(`${server.baseUrl}/api/durable/${id}`)
    expect(anonymous.headers.getSetCookie()).toEqual([])
  })
})
