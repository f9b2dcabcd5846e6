import { describeConformance } from '../support/conformance'
import { startRedisCluster } from '../support/redis'
import { startServer } from '../support/server'

/**
 * The official conformance suite against the production build on a Redis Cluster (three
 * masters, three replicas, started for this file): the same code as on one server, configured
 * with `REDIS_CLUSTER_NODES`. Every test must pass.
 */
describeConformance(
  'Durable Streams protocol conformance on a Redis Cluster',
  async (env) => {
    const cluster = await startRedisCluster()
    const server = await startServer({ env: { ...env, REDIS_CLUSTER_NODES: cluster.setting } })
    return {
      baseUrl: server.baseUrl,
      async stop() {
        await server.stop()
        await cluster.stop()
      },
    }
  },
  'pages',
)
