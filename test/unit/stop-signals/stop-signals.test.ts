import { describe, expect, it } from 'vitest'
import { RedisStopSignals } from '@/lib/stop-signals/redis-stop-signals'
import { LocalStopSignals } from '@/lib/stop-signals/stop-signals'
import { withTestRedis } from '../../support/with-redis'
import { stopSignalsContract } from './contract'

stopSignalsContract('LocalStopSignals', async () => {
  const local = new LocalStopSignals()
  return [local, local]
})

describe('RedisStopSignals', () => {
  const redis = withTestRedis()
  /** One "instance": its own command and subscriber connections. */
  async function instance(options: { leaseMs?: number; renewMs?: number } = {}) {
    const context = await redis.context({ prefix: 'test:' })
    return { context, signals: new RedisStopSignals(context, options) }
  }

  stopSignalsContract('RedisStopSignals (two instances)', async () => [(await instance()).signals, (await instance()).signals])

  it('frees the key of an instance that died once its lease runs out, and renews it while alive', async () => {
    const alive = await instance({ leaseMs: 300, renewMs: 100 })
    const dead = await instance({ leaseMs: 300, renewMs: 100 })
    const other = await instance()
    const kept = (await alive.signals.register('kept'))!
    await dead.signals.register('lost')
    // The "dead" instance stops renewing: its connections go away without releasing.
    dead.context.destroy()
    expect(await other.signals.stop('lost')).toBe(false) // nobody hears it
    await expect.poll(() => other.signals.isRunning('lost'), { timeout: 5_000 }).toBe(false)
    expect(await other.signals.register('lost')).toBeDefined()
    // Renewed past several lease lengths, the live one still counts as running.
    await new Promise((r) => setTimeout(r, 1_000))
    expect(await other.signals.isRunning('kept')).toBe(true)
    kept.release()
  })
})
