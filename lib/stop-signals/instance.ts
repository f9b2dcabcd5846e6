import { config } from '@/lib/config'
import { asUnavailable } from '@/lib/durable/redis/availability'
import { sharedRedis, usesRedis } from '@/lib/redis'
import { singleton } from '@/lib/singleton'
import { RedisStopSignals } from '@/lib/stop-signals/redis-stop-signals'
import { LocalStopSignals, type StopSignals } from '@/lib/stop-signals/stop-signals'

/** Calls the shared implementation once Redis is connected; connection loss is `503 unavailable:store`. */
function redisStopSignals(): StopSignals {
  let opened: Promise<StopSignals> | undefined
  const open = () => {
    opened ??= sharedRedis().then(
      (redis) => new RedisStopSignals({ ...redis, leaseMs: config().SLUICE_STOP_LEASE_MS }),
      (error: unknown) => {
        opened = undefined
        throw error
      },
    )
    return opened
  }
  const call = async <T>(work: (signals: StopSignals) => Promise<T>): Promise<T> => {
    try {
      return await work(await open())
    } catch (error) {
      throw asUnavailable(error)
    }
  }
  return {
    register: (key) => call((s) => s.register(key)),
    stop: (key, reason) => call((s) => s.stop(key, reason)),
    isRunning: (key) => call((s) => s.isRunning(key)),
  }
}

/**
 * The process-wide stop registry, shared by every route: in Redis when the app runs on several
 * instances (`REDIS_URL`), so a stop reaches the instance running the task; in process otherwise.
 */
export function stopSignals(): StopSignals {
  return singleton<StopSignals>('stop-signals', () => (usesRedis() ? redisStopSignals() : new LocalStopSignals()))
}
