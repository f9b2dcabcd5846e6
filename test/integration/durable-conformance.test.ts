import { runConformanceTests } from '@durable-streams/server-conformance-tests'
import { afterAll, beforeAll, describe } from 'vitest'
import { startServer, type TestServer } from '../support/server'

/**
 * The official Durable Streams conformance suite (@durable-streams/server-conformance-tests)
 * against the production build. Every test must pass. Long-polls time out after 1 s here so the
 * suite's "nothing arrives" cases finish quickly; the expiry tests rely on the lazy expiry check
 * and the sweeper (every 250 ms here).
 */
const options = { baseUrl: '', longPollTimeoutMs: 1_000 }
let server: TestServer

beforeAll(async () => {
  server = await startServer({ env: { SLUICE_STREAMS_LONG_POLL_MS: '1000', SLUICE_STREAMS_SWEEP_MS: '250' } })
  options.baseUrl = server.baseUrl
})

afterAll(async () => {
  await server?.stop()
})

describe('Durable Streams protocol conformance', () => {
  runConformanceTests(options)
})
