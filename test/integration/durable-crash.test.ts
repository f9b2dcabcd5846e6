import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, test } from 'vitest'
import { appendThroughCrash } from '../support/crash'
import { startServer, type TestServer } from '../support/server'

/**
 * Crash safety of the embedded store: the server is killed with SIGKILL during a stream of
 * appends and restarted on the same data directory (the scenario is in `test/support/crash.ts`).
 */
let dataDir: string | undefined
let server: TestServer | undefined

afterAll(async () => {
  await server?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

test('SIGKILL during appends loses no acknowledged append and adds nothing else', async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'sluice-crash-'))
  const victim = (server = await startServer({ dataDir }))
  await appendThroughCrash({
    baseUrl: victim.baseUrl,
    crash: () => victim.kill(),
    recover: async () => {
      server = await startServer({ dataDir })
      return server.baseUrl
    },
  })
})
