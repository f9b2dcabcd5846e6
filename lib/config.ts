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
