import { config } from '@/lib/config'
import { usesRedis, withRedis } from '@/lib/redis'
import { singleton } from '@/lib/singleton'
import { RedisStopSignals } from '@/lib/stop-signals/redis-stop-signals'
import { LocalStopSignals, type StopSignals } from '@/lib/stop-signals/stop-signals'

/** The shared implementation on the shared connections (a lost connection is `503 unavailable:store`). */
function redisStopSignals(): StopSignals {
  let signals: RedisStopSignals | undefined
  const call = <T>(work: (signals: StopSignals) => Promise<T>): Promise<T> =>
    withRedis((redis) => work((signals ??= new RedisStopSignals({ ...redis, leaseMs: config().SLUICE_STOP_LEASE_MS }))))
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
