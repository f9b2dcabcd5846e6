import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RedisContext } from '@/lib/redis/connection'
import { RedisStopSignals } from '@/lib/stop-signals/redis-stop-signals'
import { LocalStopSignals, type StopSignals } from '@/lib/stop-signals/stop-signals'
import { startRedis, type TestRedis } from '../support/redis'
import { openTestContext } from '../support/redis-context'

/** Resolves once `signal` aborts (the stop travels through Redis pub/sub, so it is not synchronous). */
const aborted = (signal: AbortSignal) =>
  new Promise<unknown>((resolve) => {
    if (signal.aborted) resolve(signal.reason)
    else signal.addEventListener('abort', () => resolve(signal.reason), { once: true })
  })

/** What every StopSignals must do; `two()` gives two registries that share state (two instances). */
function contract(name: string, two: () => Promise<[StopSignals, StopSignals]>) {
  describe(`StopSignals contract: ${name}`, () => {
    it('registers one task per key, stops it once with the reason, and forgets it on release', async () => {
      const [a] = await two()
      const key = `t-${crypto.randomUUID()}`
      const reg = (await a.register(key))!
      expect(reg).toBeDefined()
      expect(await a.register(key)).toBeUndefined()
      expect(await a.isRunning(key)).toBe(true)
      expect(await a.stop(key, 'because')).toBe(true)
      expect(await aborted(reg.signal)).toMatchObject({ name: 'AbortError', message: 'because' })
      expect(await a.stop(key)).toBe(false) // already stopping
      reg.release()
      reg.release()
      await expect.poll(() => a.isRunning(key)).toBe(false)
      const again = await a.register(key)
      expect(again).toBeDefined()
      expect(again!.signal.aborted).toBe(false)
      again!.release()
      expect(await a.stop(`unknown-${crypto.randomUUID()}`)).toBe(false)
    })

    it('a stop sent through one registry reaches the task registered on the other', async () => {
      const [a, b] = await two()
      const key = `t-${crypto.randomUUID()}`
      const reg = (await a.register(key))!
      expect(await b.isRunning(key)).toBe(true)
      expect(await b.register(key)).toBeUndefined()
      expect(await b.stop(key)).toBe(true)
      expect(await aborted(reg.signal)).toMatchObject({ name: 'AbortError', message: 'Stopped by the user' })
      reg.release()
      await expect.poll(() => b.isRunning(key)).toBe(false)
    })

    it('lets exactly one of many concurrent registrations win', async () => {
      const [a, b] = await two()
      const key = `t-${crypto.randomUUID()}`
      const regs = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).register(key)))
      expect(regs.filter(Boolean)).toHaveLength(1)
      regs.find(Boolean)!.release()
    })
  })
}

contract('LocalStopSignals', async () => {
  const local = new LocalStopSignals()
  return [local, local]
})

describe('RedisStopSignals', () => {
  let redis: TestRedis
  const connections: RedisContext[] = []
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()))
    await redis.stop()
  })
  /** One "instance": its own command and subscriber connections. */
  async function instance(options: { leaseMs?: number; renewMs?: number } = {}) {
    const context = await openTestContext(redis, { prefix: 'test:' })
    connections.push(context)
    return { context, signals: new RedisStopSignals(context, options) }
  }

  contract('RedisStopSignals (two instances)', async () => [(await instance()).signals, (await instance()).signals])

  it('frees the key of an instance that died once its lease runs out, and renews it while alive', async () => {
    const alive = await instance({ leaseMs: 300, renewMs: 100 })
    const dead = await instance({ leaseMs: 300, renewMs: 100 })
    const other = await instance()
    const kept = (await alive.signals.register('kept'))!
    await dead.signals.register('lost')
    // The "dead" instance stops renewing: its connections go away without releasing.
    dead.context.destroy()
    connections.splice(connections.indexOf(dead.context), 1)
    expect(await other.signals.stop('lost')).toBe(false) // nobody hears it
    await expect.poll(() => other.signals.isRunning('lost'), { timeout: 5_000 }).toBe(false)
    expect(await other.signals.register('lost')).toBeDefined()
    // Renewed past several lease lengths, the live one still counts as running.
    await new Promise((r) => setTimeout(r, 1_000))
    expect(await other.signals.isRunning('kept')).toBe(true)
    kept.release()
  })
})
