import path from 'node:path'
import { z } from 'zod'

/**
 * All configuration, read from the environment in one place and checked once.
 * A bad value fails with a message naming the variable and why.
 */
const bytes = z.coerce.number().int().positive()
const ms = z.coerce.number().int().nonnegative()

const schema = z.object({
  SLUICE_DATA_DIR: z.string().min(1).default('./data'),
  SLUICE_MAX_BODY_BYTES: bytes.default(64 * 1024 * 1024),
  SLUICE_HEARTBEAT_MS: ms.default(15_000),
  SLUICE_FEED_INTERVAL_MS: z.coerce.number().int().min(50).default(1_000),
  SLUICE_FEED_REPLAY: z.coerce.number().int().min(1).max(100_000).default(600),
  // Durable streams (docs/durable-streams.md)
  SLUICE_STREAMS_TOKEN: z.string().min(1).optional(),
  SLUICE_STREAMS_DURABILITY: z.enum(['process', 'fsync']).default('process'),
  SLUICE_STREAMS_MAX_APPEND_BYTES: bytes.default(16 * 1024 * 1024),
  SLUICE_STREAMS_READ_CHUNK_BYTES: z.coerce.number().int().nonnegative().default(0),
  SLUICE_STREAMS_LONG_POLL_MS: z.coerce.number().int().min(100).default(25_000),
  SLUICE_STREAMS_SSE_MAX_MS: z.coerce.number().int().min(1_000).default(60_000),
  SLUICE_STREAMS_SWEEP_MS: z.coerce.number().int().min(100).default(60_000),
  // Scale-out (docs/scale-out.md): the Redis store, chosen by REDIS_URL or SLUICE_STORE=redis.
  REDIS_URL: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL').optional(),
  ),
  SLUICE_STORE: z.enum(['embedded', 'redis']).optional(),
  SLUICE_REDIS_PREFIX: z.string().regex(/^[^{}\s]*$/, 'must not contain braces or spaces').default('sluice:'),
  SLUICE_REDIS_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
}).superRefine((env, ctx) => {
  if (env.SLUICE_STORE === 'redis' && env.REDIS_URL === undefined) {
    ctx.addIssue({ code: 'custom', path: ['SLUICE_STORE'], message: 'SLUICE_STORE=redis needs REDIS_URL (redis://host:port)' })
  }
})

type Env = z.infer<typeof schema>

export type Config = Readonly<
  Env & {
    dataDir: string
    /** Where durable streams live: Redis when REDIS_URL is set (unless SLUICE_STORE=embedded). */
    store: { kind: 'embedded' } | { kind: 'redis'; url: string; prefix: string; connectTimeoutMs: number }
  }
>

function load(env: NodeJS.ProcessEnv): Config {
  const parsed = schema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid Sluice configuration in the environment:\n${lines.join('\n')}`)
  }
  const values = parsed.data
  const url = values.REDIS_URL
  const store =
    url !== undefined && values.SLUICE_STORE !== 'embedded'
      ? { kind: 'redis' as const, url, prefix: values.SLUICE_REDIS_PREFIX, connectTimeoutMs: values.SLUICE_REDIS_CONNECT_TIMEOUT_MS }
      : { kind: 'embedded' as const }
  return Object.freeze({ ...values, dataDir: path.resolve(values.SLUICE_DATA_DIR), store })
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
