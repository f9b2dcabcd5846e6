import path from 'node:path'
import { z } from 'zod'
import { accessVariables } from './access.ts'
import { chatVariables } from './chat.ts'
import { durableVariables } from './durable.ts'
import { feedVariables } from './feed.ts'
import { jobsVariables } from './jobs.ts'
import { redisVariables, type RedisSettings } from './redis.ts'
import { serverVariables } from './server.ts'
import { testOnlyVariables } from './test-only.ts'
import { uploadsVariables } from './uploads.ts'

/**
 * All configuration, read from the environment in one place and checked once.
 * A bad value fails with a message naming the variable and why. Each group's variables, with
 * what the configuration table says of them (`.meta()`), are in the file of their group. The
 * imports name their `.ts` files so that plain Node loads this folder too (`scripts/seed-export.mjs`).
 */
export type { VariableDoc } from './atoms.ts'
export type { RedisSettings, RedisTarget } from './redis.ts'

/** The variables, group by group, in the order of the configuration table. */
const variables = {
  ...serverVariables,
  ...feedVariables,
  ...jobsVariables,
  ...chatVariables,
  ...durableVariables,
  ...uploadsVariables,
  ...redisVariables,
  ...accessVariables,
}

const testOnly = testOnlyVariables

/** Every variable, for the generated configuration table (`test/unit/scripts/config-docs.test.ts`). */
export const configVariables = { variables, testOnly } as const

const schema = z
  .object({
    ...variables,
    ...testOnly,
  })
  .superRefine((env, ctx) => {
    if (env.SLUICE_STORE === 'redis' && env.REDIS_URL === undefined && env.REDIS_CLUSTER_NODES === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLUICE_STORE'],
        message: 'SLUICE_STORE=redis needs REDIS_URL (redis://host:port) or REDIS_CLUSTER_NODES (host:port,host:port,…)',
      })
    }
    if (env.REDIS_URL !== undefined && env.REDIS_CLUSTER_NODES !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_CLUSTER_NODES'],
        message: 'set either REDIS_URL (one server) or REDIS_CLUSTER_NODES (a cluster), not both',
      })
    }
  })

type Env = z.infer<typeof schema>

export type Config = Readonly<
  Env & {
    dataDir: string
    uploadDir: string
    /** Forwarded headers are believed: `SLUICE_TRUST_PROXY=1`, or on Vercel. */
    trustProxy: boolean
    /**
     * Where the state of durable streams, chats, jobs, stop signals and owners lives: Redis (one
     * server or a cluster) when REDIS_URL or REDIS_CLUSTER_NODES is set, unless SLUICE_STORE=embedded.
     */
    store: { kind: 'embedded' } | ({ kind: 'redis' } & RedisSettings)
  }
>

function load(env: NodeJS.ProcessEnv): Config {
  const parsed = schema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid Sluice configuration in the environment:\n${lines.join('\n')}`)
  }
  const dataDir = path.resolve(parsed.data.SLUICE_DATA_DIR)
  // Runtime paths, not build inputs: tell Turbopack not to trace the project from them.
  const uploadDir = path.resolve(/*turbopackIgnore: true*/ parsed.data.SLUICE_UPLOAD_DIR ?? path.join(dataDir, 'uploads'))
  const values = parsed.data
  const target: RedisSettings['target'] | undefined =
    values.REDIS_URL !== undefined
      ? { kind: 'server', url: values.REDIS_URL }
      : values.REDIS_CLUSTER_NODES !== undefined
        ? { kind: 'cluster', nodes: values.REDIS_CLUSTER_NODES.map((node) => (/^rediss?:/.test(node) ? node : `redis://${node}`)) }
        : undefined
  const store: Config['store'] =
    target !== undefined && values.SLUICE_STORE !== 'embedded'
      ? {
          kind: 'redis',
          target,
          prefix: values.SLUICE_REDIS_PREFIX,
          connectTimeoutMs: values.SLUICE_REDIS_CONNECT_TIMEOUT_MS,
          minReplicas: values.SLUICE_REDIS_MIN_REPLICAS,
          waitTimeoutMs: values.SLUICE_REDIS_WAIT_TIMEOUT_MS,
        }
      : { kind: 'embedded' }
  const trustProxy =
    values.SLUICE_TRUST_PROXY === undefined
      ? values.VERCEL === '1'
      : values.SLUICE_TRUST_PROXY === '1' || values.SLUICE_TRUST_PROXY === 'true'
  return Object.freeze({ ...values, dataDir, uploadDir, store, trustProxy })
}

let cached: Config | undefined

/** The validated configuration (read once per process). */
export function config(): Config {
  cached ??= load(process.env)
  return cached
}

/** For tests: validate an explicit environment without touching the cached one. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  return load(env)
}
