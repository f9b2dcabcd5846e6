import { describeConformance } from '../support/conformance'
import { startServer } from '../support/server'

/** The official conformance suite against the production build on the embedded store. Every test must pass. */
describeConformance('Durable Streams protocol conformance', (env) => startServer({ env }))
