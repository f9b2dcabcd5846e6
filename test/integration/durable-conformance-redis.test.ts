import { describeConformance } from '../support/conformance'
import { startRedis } from '../support/redis'
import { startServer } from '../support/server'

/**
 * The official conformance suite against the production build on the Redis store (a private
 * redis-server started for this file). Every test must pass, as on the embedded store.
 */
describeConformance(
  'Durable Streams protocol conformance on the Redis store',
  async (env) => {
    const redis = await startRedis()
    const server = await startServer({ env: { ...env, REDIS_URL: redis.url } })
    return {
      baseUrl: server.baseUrl,
      async stop() {
        await server.stop()
        await redis.stop()
      },
    }
  },
  'pages',
)
