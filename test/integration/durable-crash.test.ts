import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, test } from 'vitest'
import { appendThroughCrash } from '../support/crash'
import { startServer, type TestServer } from '../support/server'

/**
 * Crash safety of the embedded store: the server is killed with SIGKILL during a stream of
 * appends and restarted on the same data directory (the scenario is in `test/support/crash.ts`),
 * with each durability: `process` (the default) and `fsync`, whose flushes run off the event loop
 * while other appends arrive (group commit, `lib/durable/embedded/group-commit.ts`).
 */
let dataDir: string | undefined
let server: TestServer | undefined

afterEach(async () => {
  await server?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
  server = dataDir = undefined
})

test.each(['process', 'fsync'])(
  'SIGKILL during appends loses no acknowledged append and adds nothing else (SLUICE_STREAMS_DURABILITY=%s)',
  async (durability) => {
    const dir = (dataDir = await mkdtemp(path.join(os.tmpdir(), 'sluice-crash-')))
    const env = { SLUICE_STREAMS_DURABILITY: durability }
    const victim = (server = await startServer({ dataDir: dir, env }))
    await appendThroughCrash({
      baseUrl: victim.baseUrl,
      crash: () => victim.kill(),
      recover: async () => {
        server = await startServer({ dataDir: dir, env })
        return server.baseUrl
      },
    })
  },
)
