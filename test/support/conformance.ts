import { runConformanceTests } from '@durable-streams/server-conformance-tests'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { answeredByAppRouter, APP_ROUTER_TWIN } from './transport'

/** Sluice serves `/v1/stream/*` from a Pages API route and keeps the App Router route as a twin (`./transport`). */
type Transport = 'pages' | 'app-router'

/**
 * The official Durable Streams conformance suite (@durable-streams/server-conformance-tests)
 * against a production server that `start` launches with the given environment: long-polls
 * time out after 1 s so the suite's "nothing arrives" cases finish quickly, and the expiry tests
 * rely on the lazy expiry check and the sweeper (every 250 ms). Used for each store. With a
 * `transport`, every request of the suite goes to that transport of Sluice's route, and the run
 * fails if any response came from the other one.
 */
export function describeConformance(
  title: string,
  start: (env: Record<string, string>) => Promise<{ baseUrl: string; stop(): Promise<void> }>,
  transport?: Transport,
) {
  const options = { baseUrl: '', longPollTimeoutMs: 1_000 }
  let stop: (() => Promise<void>) | undefined
  const original = globalThis.fetch
  const answered = { pages: 0, appRouter: 0 }

  // Its expiry tests sleep for fixed times around short TTLs; on a loaded 2-core machine a sleep can
  // overshoot its window. A retry absorbs that; a broken behaviour still fails all three attempts.
  describe(title, { retry: 2 }, () => {
    beforeAll(async () => {
      const server = await start({ SLUICE_STREAMS_LONG_POLL_MS: '1000', SLUICE_STREAMS_SWEEP_MS: '250' })
      options.baseUrl = server.baseUrl
      stop = () => server.stop()
      if (transport) globalThis.fetch = throughTransport(original, server.baseUrl, transport, answered)
    })

    afterAll(async () => {
      globalThis.fetch = original
      await stop?.()
      if (!transport) return
      // Every request of the suite reached the transport under test, none the other.
      expect(answered).toMatchObject(transport === 'app-router' ? { pages: 0 } : { appRouter: 0 })
      expect(answered[transport === 'app-router' ? 'appRouter' : 'pages']).toBeGreaterThan(300)
    })

    runConformanceTests(options)
  })
}

/**
 * `fetch` for the suite (it and the official client call the global one): requests to `baseUrl`
 * carry the header that picks `transport`, and each response is counted by the transport that
 * answered.
 */
function throughTransport(
  fetch: typeof globalThis.fetch,
  baseUrl: string,
  transport: Transport,
  answered: { pages: number; appRouter: number },
) {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    if (!request.url.startsWith(baseUrl)) return fetch(request)
    if (transport === 'app-router') for (const [name, value] of Object.entries(APP_ROUTER_TWIN)) request.headers.set(name, value)
    const response = await fetch(request)
    if (answeredByAppRouter(response.headers.get('vary'))) answered.appRouter++
    else answered.pages++
    return response
  }
}
