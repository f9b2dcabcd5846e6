import { config } from '@/lib/config'
import { backend, guarded, type RedisSource } from '@/lib/redis'
import { singleton } from '@/lib/singleton'
import { RedisStopSignals } from '@/lib/stop-signals/redis-stop-signals'
import { LocalStopSignals, type StopSignals } from '@/lib/stop-signals/stop-signals'

/** The shared implementation on the process's Redis, opened on first use (an outage is `503 unavailable:store`). */
function redisStopSignals(redis: RedisSource): StopSignals {
  let signals: RedisStopSignals | undefined
  const call = <T>(work: (signals: StopSignals) => Promise<T>): Promise<T> =>
    guarded('Stop and cancel', async () =>
      work((signals ??= new RedisStopSignals(await redis(), { leaseMs: config().SLUICE_STOP_LEASE_MS }))),
    )
  return {
    register: (key) => call((s) => s.register(key)),
    stop: (key, reason) => call((s) => s.stop(key, reason)),
    isRunning: (key) => call((s) => s.isRunning(key)),
  }
}

/**
 * The process-wide stop registry, shared by every route: in Redis when the app runs on several
 * instances, so a stop reaches the instance running the task; in process otherwise.
 */
export function stopSignals(): StopSignals {
  return singleton<StopSignals>('stop-signals', () =>
    backend<StopSignals>({ redis: redisStopSignals, embedded: () => new LocalStopSignals() }),
  )
}
