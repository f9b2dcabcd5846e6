import path from 'node:path'
import { config } from '@/lib/config'
import { EmbeddedStore } from '@/lib/durable/embedded/embedded-store'
import { changeNotifier } from '@/lib/durable/notifier'
import type { StreamStore } from '@/lib/durable/store'
import { singleton } from '@/lib/singleton'

/**
 * The process-wide stream store, opened on first use under `SLUICE_DATA_DIR/streams`, with the
 * sweeper that reclaims expired streams every `SLUICE_STREAMS_SWEEP_MS`.
 */
export function streamStore(): Promise<StreamStore> {
  return singleton('durable.store', async () => {
    const c = config()
    const store = await EmbeddedStore.open({
      dir: path.join(c.dataDir, 'streams'),
      durability: c.SLUICE_STREAMS_DURABILITY,
      notifier: changeNotifier(),
    })
    startSweeper(store, c.SLUICE_STREAMS_SWEEP_MS)
    return store
  })
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
