import { readFile, rm } from 'node:fs/promises'
import { waitFor } from '../test/support/wait'

/**
 * Stops the run's server and removes its data directory and pid file (all chosen in
 * `playwright.config.ts`). Playwright stops its web server only after this teardown, so the
 * server is stopped here first (SIGTERM to the pid `e2e/global-setup.ts` verified) and the
 * directory removed once it is gone, not while it may still write there.
 */
export default async function globalTeardown(): Promise<void> {
  const dataDir = process.env.E2E_DATA_DIR
  const pidFile = process.env.E2E_SERVER_PID_FILE
  const pid = pidFile ? Number((await readFile(pidFile, 'utf8').catch(() => '')).trim()) : 0
  if (pid > 0 && alive(pid)) {
    process.kill(pid, 'SIGTERM')
    await waitFor(`the e2e server (pid ${pid}) to exit after SIGTERM`, () => !alive(pid), 10_000, 50)
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
  if (pidFile) await rm(pidFile, { force: true })
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
