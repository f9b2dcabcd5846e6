import { describeConformance } from '../support/conformance'
import { startServer } from '../support/server'

/**
 * The official conformance suite against the App Router twin of the protocol's route
 * (`app/v1/stream/[...path]/route.ts`, reached with `X-Sluice-Transport: app-router`) on the
 * embedded store: the public URL is served by the Pages API route (`durable-conformance.test.ts`),
 * and the twin the docs show must pass every test too.
 */
describeConformance('Durable Streams protocol conformance, App Router twin', (env) => startServer({ env }), 'app-router')
