import path from 'node:path'
import { z } from 'zod'

/**
 * All configuration, read from the environment in one place and checked once.
 * A bad value fails with a message naming the variable and why.
 */
const bytes = z.coerce.number().int().positive()
const ms = z.coerce.number().int().nonnegative()
/** An optional string where an empty value counts as unset (`OPENAI_API_KEY=` in a .env file). */
const optional = <T extends z.ZodType>(inner: T) => z.preprocess((v) => (v === '' ? undefined : v), inner.optional())

const schema = z.object({
  SLUICE_DATA_DIR: z.string().min(1).default('./data'),
  SLUICE_MAX_BODY_BYTES: bytes.default(64 * 1024 * 1024),
  SLUICE_HEARTBEAT_MS: ms.default(15_000),
  SLUICE_FEED_INTERVAL_MS: z.coerce.number().int().min(50).default(1_000),
  SLUICE_FEED_REPLAY: z.coerce.number().int().min(1).max(100_000).default(600),
  /**
   * How long one long-lived response (feed, durable live reads, typed streams, chat answers and
   * follows, upload progress) stays open before it ends with a resumable end (lib/stream/lifetime.ts).
   * Default 270 s: 30 s below the `maxDuration` of 300 s every such route exports for Vercel.
   */
  SLUICE_STREAM_LIFETIME_MS: z.coerce.number().int().min(500).max(24 * 60 * 60 * 1000).default(270_000),
  // Typed streams and jobs (docs/typed-streams.md)
  /** How long a typed stream's handler may take to stop after a cancel before the `cancel` frame is sent anyway. */
  SLUICE_STREAM_CANCEL_GRACE_MS: ms.default(5_000),
  /** When set, the job streams require `Authorization: Bearer <token>` (401 without, 403 when wrong). */
  SLUICE_JOBS_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
  /** The most rows `POST /api/jobs/export/table` will create (the seed script has no limit). */
  SLUICE_EXPORT_SEED_MAX_ROWS: z.coerce.number().int().positive().default(250_000),
  // AI chat (docs/chat.md). With no key, the built-in offline model answers.
  OPENAI_API_KEY: optional(z.string()),
  OPENAI_BASE_URL: optional(z.url({ message: 'must be a URL such as http://127.0.0.1:11434/v1' })),
  SLUICE_MODEL: optional(z.string().min(1)),
  SLUICE_OPENAI_API: optional(z.enum(['responses', 'chat'])),
  SLUICE_MODEL_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  SLUICE_CHAT_MAX_STEPS: z.coerce.number().int().min(1).max(20).default(5),
  SLUICE_OFFLINE_TOKEN_MS: ms.max(5_000).default(30),
  // Durable streams (docs/durable-streams.md)
  SLUICE_STREAMS_TOKEN: z.string().min(1).optional(),
  SLUICE_STREAMS_DURABILITY: z.enum(['process', 'fsync']).default('process'),
  SLUICE_STREAMS_MAX_APPEND_BYTES: bytes.default(16 * 1024 * 1024),
  SLUICE_STREAMS_READ_CHUNK_BYTES: z.coerce.number().int().nonnegative().default(0),
  SLUICE_STREAMS_LONG_POLL_MS: z.coerce.number().int().min(100).default(25_000),
  SLUICE_STREAMS_SSE_MAX_MS: z.coerce.number().int().min(1_000).default(60_000),
  SLUICE_STREAMS_SWEEP_MS: z.coerce.number().int().min(100).default(60_000),
  /** Where finished uploads are stored. Default `<SLUICE_DATA_DIR>/uploads`. */
  SLUICE_UPLOAD_DIR: z.string().min(1).optional(),
  /** Largest accepted upload (413 above it). Default 2 GiB. */
  SLUICE_UPLOAD_MAX_BYTES: bytes.default(2 * 1024 ** 3),
  /** An unfinished upload not written to for this long is removed (its resume offset is lost). Default 24 h. */
  SLUICE_UPLOAD_STALE_MS: z.coerce.number().int().min(1_000).default(24 * 60 * 60 * 1000),
  /**
   * Test-only: caps how fast uploads are written to disk, in bytes per second (0 = no cap), so
   * that a browser test on localhost can watch a 50 MB upload in progress. Never set it in production.
   */
  SLUICE_UPLOAD_THROTTLE_BPS: z.coerce.number().int().nonnegative().default(0),
  // Scale-out (docs/scale-out.md): the Redis store, chosen by REDIS_URL or SLUICE_STORE=redis.
  REDIS_URL: optional(z.string().regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')),
  SLUICE_STORE: optional(z.enum(['embedded', 'redis'])),
  SLUICE_REDIS_PREFIX: z.string().regex(/^[^{}\s]*$/, 'must not contain braces or spaces').default('sluice:'),
  SLUICE_REDIS_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /**
   * With Redis: how long a running chat answer or typed stream stays registered after its
   * instance dies (its lease, renewed every third of it while it runs).
   */
  SLUICE_STOP_LEASE_MS: z.coerce.number().int().min(300).max(300_000).default(15_000),
  // Access (docs/security.md)
  /** Signs visitor cookies. Unset: generated once and kept in the store (a file, or Redis). */
  SLUICE_SECRET: optional(z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 32`)')),
  /** `Authorization: Bearer <token>` sees and manages everything, audit records included. */
  SLUICE_OPERATOR_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
  /** Trust `X-Forwarded-Host`/`-Proto` (set it behind your own proxy; on Vercel it is on). */
  SLUICE_TRUST_PROXY: optional(z.enum(['0', '1', 'true', 'false'], { message: 'must be 1 or 0' })),
  /** Set by Vercel on its functions: its edge sets the forwarded headers. */
  VERCEL: optional(z.string()),
  /** Chat answers, imports, background exports and proxied calls running at once, per visitor (each kind). */
  SLUICE_RUNNING_PER_VISITOR: z.coerce.number().int().min(1).max(1_000).default(2),
  /** The same, per instance (each kind). */
  SLUICE_RUNNING_PER_INSTANCE: z.coerce.number().int().min(1).max(10_000).default(8),
  // Full disk (README, "Configuration")
  /**
   * Space set aside under SLUICE_DATA_DIR (`.disk-reserve`) so that deletes still work on a full
   * disk: SQLite needs a little room to record a delete. 0 turns it off.
   */
  SLUICE_DISK_RESERVE_BYTES: z.coerce.number().int().nonnegative().default(1024 * 1024),
}).superRefine((env, ctx) => {
  if (env.SLUICE_STORE === 'redis' && env.REDIS_URL === undefined) {
    ctx.addIssue({ code: 'custom', path: ['SLUICE_STORE'], message: 'SLUICE_STORE=redis needs REDIS_URL (redis://host:port)' })
  }
})

type Env = z.infer<typeof schema>

export type Config = Readonly<
  Env & {
    dataDir: string
    uploadDir: string
    /** Forwarded headers are believed: `SLUICE_TRUST_PROXY=1`, or on Vercel. */
    trustProxy: boolean
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
  const dataDir = path.resolve(parsed.data.SLUICE_DATA_DIR)
  // Runtime paths, not build inputs: tell Turbopack not to trace the project from them.
  const uploadDir = path.resolve(/*turbopackIgnore: true*/ parsed.data.SLUICE_UPLOAD_DIR ?? path.join(dataDir, 'uploads'))
  const values = parsed.data
  const url = values.REDIS_URL
  const store =
    url !== undefined && values.SLUICE_STORE !== 'embedded'
      ? { kind: 'redis' as const, url, prefix: values.SLUICE_REDIS_PREFIX, connectTimeoutMs: values.SLUICE_REDIS_CONNECT_TIMEOUT_MS }
      : { kind: 'embedded' as const }
  const trustProxy = values.SLUICE_TRUST_PROXY === undefined ? values.VERCEL === '1' : values.SLUICE_TRUST_PROXY === '1' || values.SLUICE_TRUST_PROXY === 'true'
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
