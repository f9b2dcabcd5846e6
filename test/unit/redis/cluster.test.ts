import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RedisOwnerStore } from '@/lib/access/owners-redis'
import { RedisChatStore } from '@/lib/chat/redis-store'
import { KeySpace } from '@/lib/durable/redis/keys'
import { RedisStore } from '@/lib/durable/redis/redis-store'
import type { StreamStore } from '@/lib/durable/store'
import type { AppError } from '@/lib/errors'
import { RedisJobsStore } from '@/lib/jobs/redis-store'
import type { RedisContext, RedisSettings } from '@/lib/redis/connection'
import { RedisStopSignals } from '@/lib/stop-signals/redis-stop-signals'
import { startRedisCluster, type TestRedisCluster } from '../../support/redis'
import { openTestContext, uniquePrefix } from '../../support/redis-context'
import { ownerStoreContract } from '../access/owner-store.contract'
import { chatStoreContract } from '../chat/store.contract'
import { describeStoreContract } from '../durable/store-contract'
import { jobsStoreContract } from '../jobs/jobs-store.contract'
import { stopSignalsContract } from '../stop-signals/contract'

/**
 * Every Redis backend on a real Redis Cluster (three masters, three replicas, started once for
 * this file): the same contract suites as on one server, through the same code — only the
 * configuration differs — then what a cluster adds: sharded pub/sub, `WAIT` for replicas, and a
 * master's failover. The failover test runs last: it leaves the cluster with one master fewer.
 */
let cluster: TestRedisCluster
const contexts: RedisContext[] = []

beforeAll(async () => {
  cluster = await startRedisCluster()
}, 60_000)
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close().catch(() => undefined)))
  await cluster?.stop()
})

/** One app instance's connections to the cluster (closed after the file). */
async function instance(overrides: Partial<Omit<RedisSettings, 'target'>> = {}): Promise<RedisContext> {
  const context = await openTestContext(cluster, overrides)
  contexts.push(context)
  return context
}

describeStoreContract('redis cluster', async ({ now }) => {
  const context = await openTestContext(cluster)
  const store = new RedisStore(context, { now })
  return {
    store,
    settle: () => store.idle(),
    cleanup: async () => {
      await store.dispose()
      await context.close()
    },
  }
})

chatStoreContract('Redis Cluster', async () => {
  const context = await openTestContext(cluster)
  return { store: new RedisChatStore(async () => context), close: () => context.close() }
})

jobsStoreContract('redis cluster', async () => {
  const prefix = uniquePrefix()
  const opened: RedisContext[] = []
  const open = async () => {
    const context = await openTestContext(cluster, { prefix })
    opened.push(context)
    return new RedisJobsStore(async () => context)
  }
  return { store: await open(), another: open, cleanup: async () => void (await Promise.all(opened.map((c) => c.close()))) }
})

ownerStoreContract('Redis Cluster', async () => {
  const context = await openTestContext(cluster)
  return { store: new RedisOwnerStore(async () => context), close: () => context.close() }
})

stopSignalsContract('RedisStopSignals on a Redis Cluster (two instances)', async () => {
  const prefix = uniquePrefix()
  return [new RedisStopSignals(await instance({ prefix })), new RedisStopSignals(await instance({ prefix }))]
})

const text = (s: string) => new TextEncoder().encode(s)
const plain = { contentType: 'text/plain', expiry: { kind: 'none' } } as const

async function tailOf(store: StreamStore, path: string): Promise<number> {
  const found = await store.lookup(path)
  if (found.state !== 'live') throw new Error(`${path} is ${found.state}`)
  return found.meta.tail
}

/** Subscribers of `channel` on the node at `address`: sharded (`PUBSUB SHARDNUMSUB`) and plain (`PUBSUB NUMSUB`). */
async function subscribersOn(address: string, channel: string): Promise<{ sharded: number; plain: number }> {
  const [host, port] = address.split(':')
  const { createClient } = await import('redis')
  const client = await createClient({ socket: { host, port: Number(port) } }).connect()
  try {
    const sharded = (await client.sendCommand(['PUBSUB', 'SHARDNUMSUB', channel])) as Array<string | number>
    const plainReply = (await client.sendCommand(['PUBSUB', 'NUMSUB', channel])) as Array<string | number>
    return { sharded: Number(sharded[1]), plain: Number(plainReply[1]) }
  } finally {
    client.destroy()
  }
}

describe('on a Redis Cluster', () => {
  test('an append through one instance wakes the readers waiting on another, through sharded pub/sub on the slot’s master', async () => {
    const prefix = uniquePrefix()
    const [a, b] = [new RedisStore(await instance({ prefix })), new RedisStore(await instance({ prefix }))]
    await a.create('cluster/live', plain)
    const waits = Array.from({ length: 5 }, () => b.waitForChange('cluster/live', 0, { timeoutMs: 30_000 }))
    const channel = new KeySpace(prefix).stream('cluster/live').channel
    const master = await cluster.masterOf(channel)
    // The wait subscribes before it checks the stream; poll until B's subscription is there.
    await expect.poll(() => subscribersOn(master.address, channel), { timeout: 5_000 }).toEqual({ sharded: 1, plain: 0 })
    await a.append('cluster/live', { data: text('hello') })
    expect(await Promise.all(waits)).toEqual(Array(5).fill('changed'))
    await Promise.all([a.dispose(), b.dispose()])
  })

  test('with replicas required, an append is acknowledged once a replica confirms it; more than exist answer 503 unavailable:replicas', async () => {
    const prefix = uniquePrefix()
    // A generous wait: on a busy machine (the whole suite runs in parallel) a replica took over 2 s to confirm once.
    const one = new RedisStore(await instance({ prefix, minReplicas: 1, waitTimeoutMs: 15_000 }))
    const two = new RedisStore(await instance({ prefix, minReplicas: 2, waitTimeoutMs: 200 }))
    await one.create('cluster/replicated', plain)
    expect(await one.append('cluster/replicated', { data: text('kept by a replica') })).toMatchObject({ kind: 'ok' })
    // Each master has one replica: a second cannot confirm. The write is on the master, not refused.
    await expect(two.append('cluster/replicated', { data: text('+') })).rejects.toMatchObject({ code: 'unavailable:replicas', status: 503 })
    expect(await tailOf(one, 'cluster/replicated')).toBe('kept by a replica+'.length)
    await Promise.all([one.dispose(), two.dispose()])
  }, 30_000)

  // Last: it kills a master.
  test('a failover: the master of a stream’s slot is killed; the promoted replica takes the appends, and a reader on another instance keeps being woken', async () => {
    const prefix = uniquePrefix()
    const a = new RedisStore(await instance({ prefix, minReplicas: 1, waitTimeoutMs: 1_000 }))
    const b = new RedisStore(await instance({ prefix }))
    const path = 'cluster/failover'
    const channel = new KeySpace(prefix).stream(path).channel
    await a.create(path, plain)

    // A live reader on B, as an SSE response runs it: wait, look, wait again. Its waits follow one
    // another within the subscription's linger time, so B subscribes once; only node-redis's own
    // resubscription can keep it hearing the stream after the failover.
    let seen = 0
    let reading = true
    const reader = (async () => {
      while (reading) {
        await b.waitForChange(path, seen, { timeoutMs: 60_000 }).catch(() => undefined) // a 503 while the master is down: look again
        seen = await tailOf(b, path).catch(() => seen)
      }
    })()
    await expect.poll(async () => subscribersOn((await cluster.masterOf(channel)).address, channel)).toEqual({ sharded: 1, plain: 0 })
    await a.append(path, { data: text('before;') })
    await expect.poll(() => seen).toBe('before;'.length)

    const victim = await cluster.masterOf(channel)
    await victim.kill()
    const promoted = await cluster.failedOver(victim, channel)
    // The promoted replica has no replica of its own: appends reach it, but cannot be confirmed.
    await expect
      .poll(async () => await a.append(path, { data: text('unconfirmed;') }).catch((error: AppError) => error.code), { timeout: 20_000 })
      .toBe('unavailable:replicas')
    // The old master comes back, as the new master's replica: appends are confirmed again.
    await victim.restart()
    await cluster.settled()
    await expect
      .poll(async () => await a.append(path, { data: text('after;') }).catch((error: AppError) => error.code), { timeout: 20_000 })
      .toMatchObject({
        kind: 'ok',
      })
    // B's subscription moved to the promoted master by itself (node-redis dropped the dead node from
    // the topology it read while appends answered 503, and subscribed again on the slot's master).
    await expect.poll(() => subscribersOn(promoted.address, channel), { timeout: 15_000 }).toEqual({ sharded: 1, plain: 0 })
    expect(await subscribersOn(victim.address, channel)).toEqual({ sharded: 0, plain: 0 })
    for (const part of ['one;', 'two;', 'three;']) {
      const outcome = await a.append(path, { data: text(part) })
      if (outcome.kind !== 'ok') throw new Error(`append answered ${outcome.kind}`)
      await expect.poll(() => seen, { timeout: 10_000 }).toBe(outcome.tail)
    }
    reading = false
    await a.append(path, { data: text('end;') })
    await reader
    await Promise.all([a.dispose(), b.dispose()])
  }, 90_000)
})
