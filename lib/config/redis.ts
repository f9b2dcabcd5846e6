import { z } from 'zod'
import { doc, optional } from './atoms.ts'

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

/** Scale-out: the Redis store, chosen by REDIS_URL or SLUICE_STORE=redis. */
export const redisVariables = {
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
}
