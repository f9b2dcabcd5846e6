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

/** What the configuration table (`docs/configuration.md`, `.env.example`) says of a variable. */
/** Where Redis is (validated here; the platform layer, `lib/redis/`, connects to it). */
export type RedisTarget = { kind: 'server'; url: string } | { kind: 'cluster'; nodes: string[] }

/** How the platform layer (`lib/redis/connection.ts`) connects to Redis. */
export interface RedisSettings {
  target: RedisTarget
  /** Prefix of every key (`SLUICE_REDIS_PREFIX`), so that installations can share one database. */
  prefix: string
  /** How long opening waits for an unreachable Redis before failing with `unavailable:store`. */
  connectTimeoutMs: number
  /** Replicas that must confirm a write (`WAIT`) before it is acknowledged (`SLUICE_REDIS_MIN_REPLICAS`). */
  minReplicas: number
  /** How long `WAIT` waits for them (`SLUICE_REDIS_WAIT_TIMEOUT_MS`). */
  waitTimeoutMs: number
}

export interface VariableDoc {
  /** One sentence or two: what it does, and what happens when it is unset. */
  description: string
  /** The section of the table. */
  group: string
  /** The default in words, where the schema's default is not the whole story (derived, or unset). */
  defaultText?: string
  /** Where the feature's own document explains it. */
  doc?: string
}
const doc = (meta: VariableDoc) => meta as VariableDoc & Record<string, unknown>

const variables = {
  // Storage and requests
  SLUICE_DATA_DIR: z
    .string()
    .min(1)
    .default('./data')
    .meta(doc({ group: 'Server', description: 'Where everything Sluice stores lives (SQLite databases, stream files, uploads).' })),
  SLUICE_MAX_BODY_BYTES: bytes
    .default(64 * 1024 * 1024)
    .meta(doc({ group: 'Server', description: 'Largest request body a demo accepts (413 above).' })),
  SLUICE_HEARTBEAT_MS: ms
    .default(15_000)
    .meta(doc({ group: 'Server', description: 'Heartbeat comment interval on quiet SSE streams, so proxies do not close them.' })),
  SLUICE_DISK_RESERVE_BYTES: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(1024 * 1024)
    .meta(
      doc({
        group: 'Server',
        description:
          'Space set aside under SLUICE_DATA_DIR (`.disk-reserve`) so that deletes still work on a full disk: SQLite needs a little room to record a delete. 0 turns it off.',
        doc: 'README.md',
      }),
    ),
  SLUICE_STREAM_LIFETIME_MS: z.coerce
    .number()
    .int()
    .min(500)
    .max(24 * 60 * 60 * 1000)
    .default(270_000)
    .meta(
      doc({
        group: 'Server',
        description:
          'How long one long-lived response (feed, durable live reads, typed streams, chat answers and follows, upload progress) stays open before it ends between two events with a resumable end (`reconnect` event, `control` event or a chat `data-reconnect` part); clients resume with no gap. 270 s: 30 s below the `maxDuration` of 300 s those routes export for Vercel.',
        doc: 'docs/architecture.md',
      }),
    ),
  // Live feed
  SLUICE_FEED_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(50)
    .default(1_000)
    .meta(doc({ group: 'Live feed', description: 'How often the live feed samples the server and sends an event.' })),
  SLUICE_FEED_REPLAY: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(600)
    .meta(doc({ group: 'Live feed', description: 'Live-feed events kept for `Last-Event-ID` replay.' })),
  // Typed streams and jobs
  SLUICE_STREAM_CANCEL_GRACE_MS: ms.default(5_000).meta(
    doc({
      group: 'Typed streams and jobs',
      description: 'How long a cancelled typed-stream handler may take to stop before the `cancel` frame is sent anyway.',
      doc: 'docs/typed-streams.md',
    }),
  ),
  SLUICE_JOBS_TOKEN: z
    .string()
    .min(8, 'must be at least 8 characters')
    .optional()
    .meta(
      doc({
        group: 'Typed streams and jobs',
        description:
          'When set (≥ 8 characters), imports require `Authorization: Bearer <token>` (401 `unauthorized:token` when it is missing or wrong, as every token). Unset: any visitor may import (each owns its own).',
        doc: 'docs/typed-streams.md',
      }),
    ),
  SLUICE_EXPORT_SEED_MAX_ROWS: z.coerce
    .number()
    .int()
    .positive()
    .default(250_000)
    .meta(
      doc({
        group: 'Typed streams and jobs',
        description: 'The most rows `POST /api/jobs/export/table` will create (`npm run seed:export` has no limit).',
        doc: 'docs/typed-streams.md',
      }),
    ),
  // AI chat. With no key, the built-in offline model answers.
  OPENAI_API_KEY: optional(z.string()).meta(
    doc({
      group: 'AI chat',
      description:
        'With a key, the chat (and `/proxy`) use OpenAI through `@ai-sdk/openai`; without (or empty), the built-in offline model answers.',
      doc: 'docs/chat.md',
    }),
  ),
  OPENAI_BASE_URL: optional(z.url({ message: 'must be a URL such as http://127.0.0.1:11434/v1' })).meta(
    doc({
      group: 'AI chat',
      description: 'Any OpenAI-compatible server instead of OpenAI: Ollama (`http://127.0.0.1:11434/v1`), vLLM, LM Studio.',
      defaultText: '`https://api.openai.com/v1`',
      doc: 'docs/chat.md',
    }),
  ),
  SLUICE_MODEL: optional(z.string().min(1)).meta(
    doc({ group: 'AI chat', description: 'The model id sent upstream.', defaultText: '`gpt-5-mini`', doc: 'docs/chat.md' }),
  ),
  SLUICE_OPENAI_API: optional(z.enum(['responses', 'chat'])).meta(
    doc({
      group: 'AI chat',
      description: 'Which OpenAI API is called: Responses, or Chat Completions (what compatible servers speak).',
      defaultText: '`responses`; `chat` when OPENAI_BASE_URL is set',
      doc: 'docs/chat.md',
    }),
  ),
  SLUICE_MODEL_MAX_RETRIES: z.coerce
    .number()
    .int()
    .min(0)
    .max(10)
    .default(2)
    .meta(
      doc({ group: 'AI chat', description: 'Retries of a failed model call (429/5xx) before the error is shown.', doc: 'docs/chat.md' }),
    ),
  SLUICE_CHAT_MAX_STEPS: z.coerce
    .number()
    .int()
    .min(1)
    .max(20)
    .default(5)
    .meta(doc({ group: 'AI chat', description: 'Model calls per answer (each tool round trip is one more).', doc: 'docs/chat.md' })),
  SLUICE_OFFLINE_TOKEN_MS: ms
    .max(5_000)
    .default(30)
    .meta(
      doc({
        group: 'AI chat',
        description: 'The offline model’s pace in ms per token (the first token after 4×); 0 = as fast as the reader reads.',
        doc: 'docs/chat.md',
      }),
    ),
  // Durable streams
  SLUICE_STREAMS_TOKEN: z
    .string()
    .min(1)
    .optional()
    .meta(
      doc({
        group: 'Durable streams',
        description:
          'Bearer token required for protocol writes (`/v1/stream/*`, `POST`/`DELETE /api/streams`) to streams no visitor owns. Unset: those writes are open to anyone (a warning is logged at start).',
        doc: 'docs/durable-streams.md',
      }),
    ),
  SLUICE_STREAMS_DURABILITY: z
    .enum(['process', 'fsync'])
    .default('process')
    .meta(
      doc({
        group: 'Durable streams',
        description:
          '`process`: an acknowledged append survives a crash or `kill -9` of the server; `fsync`: also a power cut (each append is flushed to disk first — slower).',
        doc: 'docs/durable-streams.md',
      }),
    ),
  SLUICE_STREAMS_MAX_APPEND_BYTES: bytes.default(16 * 1024 * 1024).meta(
    doc({
      group: 'Durable streams',
      description: 'Largest append or initial body (413 `too_large:append` above, nothing stored).',
      doc: 'docs/durable-streams.md',
    }),
  ),
  SLUICE_STREAMS_READ_CHUNK_BYTES: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(0)
    .meta(
      doc({
        group: 'Durable streams',
        description: 'Largest catch-up response; 0 = the whole rest of the stream (streamed from disk, constant memory).',
        doc: 'docs/durable-streams.md',
      }),
    ),
  SLUICE_STREAMS_LONG_POLL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(25_000)
    .meta(
      doc({
        group: 'Durable streams',
        description: 'How long a long-poll read waits for new data before `204`.',
        doc: 'docs/durable-streams.md',
      }),
    ),
  SLUICE_STREAMS_SSE_MAX_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(60_000)
    .meta(
      doc({
        group: 'Durable streams',
        description: 'Live SSE reads end after this; clients reconnect from their offset (and CDNs can collapse requests).',
        doc: 'docs/durable-streams.md',
      }),
    ),
  SLUICE_STREAMS_SWEEP_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(60_000)
    .meta(
      doc({ group: 'Durable streams', description: 'How often expired streams are swept from storage.', doc: 'docs/durable-streams.md' }),
    ),
  // Uploads
  SLUICE_UPLOAD_DIR: z
    .string()
    .min(1)
    .optional()
    .meta(
      doc({
        group: 'Uploads',
        description: 'Where finished uploads are stored.',
        defaultText: '`<SLUICE_DATA_DIR>/uploads`',
        doc: 'docs/uploads.md',
      }),
    ),
  SLUICE_UPLOAD_MAX_BYTES: bytes
    .default(2 * 1024 ** 3)
    .meta(doc({ group: 'Uploads', description: 'Largest upload, 2 GiB by default (413 above).', doc: 'docs/uploads.md' })),
  SLUICE_UPLOAD_STALE_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(24 * 60 * 60 * 1000)
    .meta(
      doc({
        group: 'Uploads',
        description: 'An unfinished upload not written to for this long (24 h by default) is removed, and its resume offset lost.',
        doc: 'docs/uploads.md',
      }),
    ),
  // Scale-out: the Redis store, chosen by REDIS_URL or SLUICE_STORE=redis.
  REDIS_URL: optional(z.string().regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')).meta(
    doc({
      group: 'Scale-out (Redis)',
      description:
        '`redis://[user:password@]host:port[/db]` or `rediss://…` (TLS): one Redis server. Set: durable streams, chats, jobs, stop signals and ownership live in Redis, shared by every instance.',
      doc: 'docs/scale-out.md',
    }),
  ),
  REDIS_CLUSTER_NODES: optional(
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((node) => node.trim())
          .filter((node) => node !== ''),
      )
      .pipe(
        z
          .array(z.string().regex(/^(rediss?:\/\/\S+|[^\s:/]+:\d{1,5})$/, 'each node must be host:port or a redis:// or rediss:// URL'))
          .min(1, 'must name at least one node (host:port,host:port,…)'),
      ),
  ).meta(
    doc({
      group: 'Scale-out (Redis)',
      description:
        'A Redis Cluster instead of one server: some of its nodes, comma-separated, each `host:port` or `redis[s]://[user:password@]host:port`; the client discovers the rest. Not together with REDIS_URL.',
      doc: 'docs/scale-out.md',
    }),
  ),
  SLUICE_STORE: optional(z.enum(['embedded', 'redis'])).meta(
    doc({
      group: 'Scale-out (Redis)',
      description:
        '`redis` makes a missing REDIS_URL / REDIS_CLUSTER_NODES an error at start-up instead of a silent fallback to local disk; `embedded` ignores them.',
      defaultText: 'from REDIS_URL / REDIS_CLUSTER_NODES',
      doc: 'docs/scale-out.md',
    }),
  ),
  SLUICE_REDIS_PREFIX: z
    .string()
    .regex(/^[^{}\s]*$/, 'must not contain braces or spaces')
    .default('sluice:')
    .meta(
      doc({
        group: 'Scale-out (Redis)',
        description: 'Prefix of every key, so several installations can share one Redis database.',
        doc: 'docs/scale-out.md',
      }),
    ),
  SLUICE_REDIS_CONNECT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(10_000)
    .meta(
      doc({
        group: 'Scale-out (Redis)',
        description: 'How long opening the store waits for an unreachable Redis before answering 503.',
        doc: 'docs/scale-out.md',
      }),
    ),
  SLUICE_REDIS_MIN_REPLICAS: z.coerce
    .number()
    .int()
    .min(0)
    .max(16)
    .default(0)
    .meta(
      doc({
        group: 'Scale-out (Redis)',
        description:
          'Replicas that must confirm (`WAIT`) an append, a stream creation, a chat save or an import batch before it is acknowledged; fewer in time answer 503 `unavailable:replicas`. 0: acknowledged once the master has it.',
        doc: 'docs/scale-out.md',
      }),
    ),
  SLUICE_REDIS_WAIT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(10)
    .max(60_000)
    .default(1_000)
    .meta(
      doc({
        group: 'Scale-out (Redis)',
        description: 'How long such a write waits for its replicas before answering 503.',
        doc: 'docs/scale-out.md',
      }),
    ),
  SLUICE_STOP_LEASE_MS: z.coerce
    .number()
    .int()
    .min(300)
    .max(300_000)
    .default(15_000)
    .meta(
      doc({
        group: 'Scale-out (Redis)',
        description:
          'How long a running chat answer or typed stream stays registered after its instance dies (its lease, renewed every third of it while it runs).',
        doc: 'docs/scale-out.md',
      }),
    ),
  // Access
  SLUICE_SECRET: optional(z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 32`)')).meta(
    doc({
      group: 'Access',
      description: 'Signs the visitors’ identity cookies (≥ 32 characters, e.g. `openssl rand -base64 32`).',
      defaultText: 'generated once, kept in the store',
      doc: 'docs/security.md',
    }),
  ),
  SLUICE_OPERATOR_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')).meta(
    doc({
      group: 'Access',
      description: '`Authorization: Bearer <token>` sees and manages every visitor’s data and reads the audit records. Unset: nobody can.',
      doc: 'docs/security.md',
    }),
  ),
  SLUICE_TRUST_PROXY: optional(z.enum(['0', '1', 'true', 'false'], { message: 'must be 1 or 0' })).meta(
    doc({
      group: 'Access',
      description:
        '`1`: absolute URLs (`Location`, `url`) and the same-site check use `X-Forwarded-Host`/`-Proto` — set it behind a proxy that sets them.',
      defaultText: 'on when VERCEL=1, else off',
      doc: 'docs/security.md',
    }),
  ),
  VERCEL: optional(z.string()).meta(
    doc({
      group: 'Access',
      description: 'Set by Vercel on its functions (its edge sets the forwarded headers); not set by hand.',
      doc: 'docs/security.md',
    }),
  ),
  SLUICE_RUNNING_PER_VISITOR: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000)
    .default(2)
    .meta(
      doc({
        group: 'Access',
        description:
          'Model answers (the chat and `/api/typed/answer`, one budget), typed streams, background exports, demo producers and proxied model calls running at once per visitor, each kind (429 with `Retry-After` above).',
        doc: 'docs/security.md',
      }),
    ),
  SLUICE_RUNNING_PER_INSTANCE: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(8)
    .meta(doc({ group: 'Access', description: 'The same caps, per instance.', doc: 'docs/security.md' })),
}

/** Settings only the tests set; documented apart, never in `.env.example`. */
const testOnly = {
  SLUICE_UPLOAD_THROTTLE_BPS: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(0)
    .meta(
      doc({
        group: 'Test-only',
        description:
          'Caps how fast uploads are written to disk (bytes/s, 0 = no cap), so that a browser test on localhost can watch a 50 MB upload in progress (`playwright.config.ts` sets 20 MB/s). Never set it in production.',
        doc: 'docs/uploads.md',
      }),
    ),
}

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
