import path from 'node:path'
import { config } from '@/lib/config'
import { diskReserve } from '@/lib/disk-reserve'
import { EmbeddedStore } from '@/lib/durable/embedded/embedded-store'
import { changeNotifier } from '@/lib/notifier'
import { guard, withUnavailableErrors } from '@/lib/durable/redis/availability'
import { RedisStore } from '@/lib/durable/redis/redis-store'
import type { StreamStore } from '@/lib/durable/store'
import { backend, usesRedis } from '@/lib/redis'
import { singleton } from '@/lib/singleton'

/**
 * The process-wide stream store, opened on first use — in Redis when the process keeps its state
 * there (docs/scale-out.md), else under `SLUICE_DATA_DIR/streams` — with the sweeper that
 * reclaims expired streams every `SLUICE_STREAMS_SWEEP_MS`.
 */
export function streamStore(): Promise<StreamStore> {
  // A failed opening (Redis unreachable) is not remembered: the next request tries again.
  const opening = singleton('durable.store', () => ({ store: undefined as Promise<StreamStore> | undefined }))
  opening.store ??= openStore().catch((error: unknown) => {
    opening.store = undefined
    throw error
  })
  return opening.store
}

/**
 * Opens the store as the server starts (instrumentation), so recovery, compression and the
 * sweeper begin at once. An embedded store that cannot open fails the server; Redis being
 * unreachable does not: stream requests answer `503 unavailable:store`, and each one tries again.
 */
export async function openStreamStoreAtStart(): Promise<void> {
  try {
    await streamStore()
  } catch (error) {
    if (!usesRedis()) throw error
    console.error('[sluice] durable streams: Redis is unreachable at start-up; stream requests answer 503 until it is back')
  }
}

async function openStore(): Promise<StreamStore> {
  const c = config()
  const store = await backend<Promise<StreamStore>>({
    redis: async (redis) => withUnavailableErrors(new RedisStore(await guard(redis), { notifier: changeNotifier() })),
    embedded: () =>
      EmbeddedStore.open({
        dir: path.join(c.dataDir, 'streams'),
        durability: c.SLUICE_STREAMS_DURABILITY,
        notifier: changeNotifier(),
        space: diskReserve(),
      }),
  })
  startSweeper(store, c.SLUICE_STREAMS_SWEEP_MS)
  return store
}

function startSweeper(store: StreamStore, everyMs: number): void {
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    store
      .sweep()
      .catch((error: unknown) => console.error('[sluice] durable streams sweep failed', error))
      .finally(() => (running = false))
  }, everyMs)
  timer.unref()
}
