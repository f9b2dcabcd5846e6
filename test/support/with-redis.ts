import { afterAll, beforeAll } from 'vitest'
import type { RedisContext, RedisSettings } from '@/lib/redis/connection'
import { startRedis, type TestRedis } from './redis'
import { openTestContext, uniquePrefix } from './redis-context'

export interface UsedRedis {
  /** The test file's own redis-server (started in `beforeAll`). */
  readonly server: TestRedis
  /** Its URL. */
  readonly url: string
  /**
   * An app instance's connections to it (the platform layer's {@link RedisContext}), under a fresh
   * key prefix unless one is given; closed after the file's tests if the test did not close it.
   */
  context(overrides?: Partial<Omit<RedisSettings, 'target'>>): Promise<RedisContext>
  /** A key prefix no other test in the run uses. */
  prefix(): string
}

/**
 * The one way a test file gets Redis: its own `redis-server` on a free port, started before the
 * file's tests and stopped after them (every context opened through it closed first). Call at the
 * top level of the file (or of a `describe`).
 */
export function withTestRedis(options: { extraArgs?: string[] } = {}): UsedRedis {
  let server: TestRedis | undefined
  const contexts: RedisContext[] = []
  beforeAll(async () => {
    server = await startRedis(options)
  })
  afterAll(async () => {
    for (const context of contexts.splice(0)) {
      try {
        context.destroy()
      } catch {
        // closed by the test already
      }
    }
    await server?.stop()
  })
  const started = (): TestRedis => {
    if (!server) throw new Error('withTestRedis: the server starts in beforeAll; use it inside a test or a hook')
    return server
  }
  return {
    get server() {
      return started()
    },
    get url() {
      return started().url
    },
    async context(overrides = {}) {
      const context = await openTestContext(started(), overrides)
      contexts.push(context)
      return context
    },
    prefix: uniquePrefix,
  }
}
