import { runConformanceTests } from '@durable-streams/server-conformance-tests'
import { afterAll, beforeAll, describe } from 'vitest'

/**
 * The official Durable Streams conformance suite (@durable-streams/server-conformance-tests)
 * against a production server that `start` launches with the given environment: long-polls
 * time out after 1 s so the suite's "nothing arrives" cases finish quickly, and the expiry tests
 * rely on the lazy expiry check and the sweeper (every 250 ms). Used for each store.
 */
export function describeConformance(
  title: string,
  start: (env: Record<string, string>) => Promise<{ baseUrl: string; stop(): Promise<void> }>,
) {
  const options = { baseUrl: '', longPollTimeoutMs: 1_000 }
  let stop: (() => Promise<void>) | undefined

  beforeAll(async () => {
    const server = await start({ SLUICE_STREAMS_LONG_POLL_MS: '1000', SLUICE_STREAMS_SWEEP_MS: '250' })
    options.baseUrl = server.baseUrl
    stop = () => server.stop()
  })

  afterAll(async () => {
    await stop?.()
  })

  // Its expiry tests sleep for fixed times around short TTLs; on a loaded 2-core machine a sleep can
  // overshoot its window. A retry absorbs that; a broken behaviour still fails all three attempts.
  describe(title, { retry: 2 }, () => {
    runConformanceTests(options)
  })
}
