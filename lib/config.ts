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
  /** How long a typed stream's handler may take to stop after a cancel before the `cancel` frame is sent anyway. */
  SLUICE_STREAM_CANCEL_GRACE_MS: ms.default(5_000),
  /** When set, the job streams require `Authorization: Bearer <token>` (401 without, 403 when wrong). */
  SLUICE_JOBS_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
  /** The most rows `POST /api/jobs/export/seed` will create (the seed script has no limit). */
  SLUICE_EXPORT_SEED_MAX_ROWS: z.coerce.number().int().positive().default(250_000),
})

export type Config = Readonly<z.infer<typeof schema> & { dataDir: string }>

function load(env: NodeJS.ProcessEnv): Config {
  const parsed = schema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid Sluice configuration in the environment:\n${lines.join('\n')}`)
  }
  return Object.freeze({ ...parsed.data, dataDir: path.resolve(parsed.data.SLUICE_DATA_DIR) })
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
