import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { KeySpace } from '@/lib/durable/redis/keys'
import { readSse } from '@/lib/stream/client'
import { askChat, chunkText, deltas, readChunks, type Chunk } from '../support/chat'
import { appendThroughCrash } from '../support/crash'
import { startRedisCluster, type TestRedisCluster } from '../support/redis'
import { startServer, type TestServer } from '../support/server'

/**
 * Two production instances on one Redis Cluster (three masters, three replicas, started once
 * for this file; `REDIS_CLUSTER_NODES`, replicas required with `SLUICE_REDIS_MIN_REPLICAS=1`):
 * streams written through A are read and tailed through B, a chat answer running on A is
 * resumed and stopped through B — whichever node holds each key — and SIGKILL of the master that
 * owns a stream's slot, while producers append, loses no acknowledged append, while live readers
 * on both instances keep receiving. The failover runs last: it changes the cluster.
 */
let cluster: TestRedisCluster
let a: TestServer
let b: TestServer
const keys = new KeySpace('sluice:')
let unique = 0
const streamName = (label: string) => `cluster/${label}-${Date.now()}-${++unique}`
const at = (server: TestServer, name: string) => `${server.baseUrl}/v1/stream/${name}`

beforeAll(async () => {
  cluster = await startRedisCluster()
  const env = {
    REDIS_CLUSTER_NODES: cluster.setting,
    SLUICE_REDIS_MIN_REPLICAS: '1',
    SLUICE_STREAMS_LONG_POLL_MS: '50000',
    SLUICE_STREAMS_SSE_MAX_MS: '50000',
    SLUICE_OFFLINE_TOKEN_MS: '10',
  }
  ;[a, b] = await Promise.all([startServer({ env }), startServer({ env })])
})

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
  await cluster?.stop()
})

async function post(server: TestServer, name: string, body: string): Promise<Response> {
  const res = await fetch(at(server, name), { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body })
  expect(res.status).toBe(204)
  return res
}

/**
 * A live SSE reader of a stream that, like any Durable Streams client, reconnects from the last
 * offset it was given when its response ends or fails (a master down answers 503 for a moment).
 */
function follow(server: TestServer, name: string) {
  let text = ''
  let offset = '-1'
  let reconnections = 0
  const controller = new AbortController()
  const done = (async () => {
    while (!controller.signal.aborted) {
      try {
        const res = await fetch(`${at(server, name)}?offset=${offset}&live=sse`, { signal: controller.signal })
        if (res.status === 200) {
          for await (const event of readSse(res, { signal: controller.signal })) {
            if (event.event === 'data') text += event.data
            if (event.event === 'control') offset = (JSON.parse(event.data) as { streamNextOffset: string }).streamNextOffset
          }
        }
      } catch {
        // the response failed: reconnect from the last offset
      }
      if (controller.signal.aborted) break
      reconnections++
      await new Promise((r) => setTimeout(r, 100))
    }
  })()
  return {
    text: () => text,
    reconnections: () => reconnections,
    async stop() {
      controller.abort()
      await done
    },
  }
}

describe('two instances on a Redis Cluster', () => {
  test('streams on every master: created and appended through A, caught up and tailed live through B', async () => {
    // Twelve streams whose slots fall on all three masters (names are random: draw until they do).
    const names: string[] = []
    const masters = new Set<string>()
    for (let i = 0; names.length < 12 || masters.size < 3; i++) {
      expect(i, 'stream names spread over the three masters').toBeLessThan(200)
      const name = streamName(`spread-${i}`)
      const master = (await cluster.masterOf(keys.stream(name).meta)).address
      if (names.length >= 12 && masters.has(master)) continue
      names.push(name)
      masters.add(master)
    }
    expect(masters.size).toBe(3)
    for (const name of names) {
      expect((await fetch(at(a, name), { method: 'PUT', headers: { 'Content-Type': 'text/plain' }, body: 'one,' })).status).toBe(201)
      await post(a, name, 'two')
    }
    for (const name of names) expect(await (await fetch(at(b, name))).text()).toBe('one,two')

    const name = names[0]!
    const reader = follow(b, name)
    try {
      await expect.poll(() => reader.text()).toBe('one,two')
      for (const part of [';live-1', ';live-2', ';live-3']) {
        const before = reader.text()
        await post(a, name, part)
        await expect.poll(() => reader.text()).toBe(before + part)
      }
      expect(reader.reconnections()).toBe(0) // every part arrived by a wake-up on B's one response
    } finally {
      await reader.stop()
    }
  })

  test('a chat answer running on A is resumed through B, and Stop sent to B aborts it on A', async () => {
    const prompt = 'Tell me a long story about a cluster'
    const resumedId = `cluster-resume-${Date.now()}`
    const first = await askChat(a.baseUrl, resumedId, prompt)
    expect(first.status).toBe(200)
    const early = await readChunks(first, deltas(3))
    const resumed = await readChunks(await fetch(`${b.baseUrl}/api/chat/${resumedId}/stream`))
    expect(chunkText(resumed).startsWith(chunkText(early))).toBe(true)
    expect(resumed.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' })

    const stoppedId = `cluster-stop-${Date.now()}`
    const answer = await askChat(a.baseUrl, stoppedId, prompt)
    expect(answer.status).toBe(200)
    let stopping: Promise<void> | undefined
    const all: Chunk[] = await readChunks(answer, (so) => {
      if (!stopping && deltas(2)(so)) {
        stopping = (async () => {
          const stop = await fetch(`${b.baseUrl}/api/chat/${stoppedId}/stop`, { method: 'POST' })
          expect(((await stop.json()) as { stopped: boolean }).stopped).toBe(true)
        })()
      }
      return false
    })
    await stopping
    expect(all.at(-1)).toMatchObject({ type: 'abort' })
  })

  // Last: it kills a master (and starts it again, as the new master's replica).
  test('SIGKILL of the master owning a stream’s slot while producers append: every acknowledged append survives once; readers on A and B keep receiving', async () => {
    let readers: Array<ReturnType<typeof follow>> = []
    let name = ''
    let victim: Awaited<ReturnType<TestRedisCluster['masterOf']>> | undefined
    try {
      await appendThroughCrash({
        baseUrl: a.baseUrl,
        killAfterAcks: 300,
        started(streamPath) {
          name = streamPath.replace('/v1/stream/', '')
          readers = [follow(a, name), follow(b, name)]
        },
        async crash() {
          victim = await cluster.masterOf(keys.stream(name).meta)
          await victim.kill()
        },
        async recover() {
          await cluster.failedOver(victim!, keys.stream(name).meta)
          // The promoted replica has none of its own, so with SLUICE_REDIS_MIN_REPLICAS=1 appends answer
          // 503 until the old master is back, as its replica.
          await victim!.restart()
          await cluster.settled()
          await expect.poll(async () => (await fetch(at(a, name), { method: 'HEAD' })).status, { timeout: 20_000 }).toBe(200)
          return a.baseUrl
        },
      })
      // The readers were connected through the failover; they hold everything, in order, once.
      const final = await (await fetch(at(b, name))).text()
      for (const reader of readers) await expect.poll(() => reader.text(), { timeout: 20_000 }).toBe(final)
    } finally {
      await Promise.all(readers.map((r) => r.stop()))
    }
  }, 120_000)
})
