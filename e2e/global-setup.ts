import { readFile } from 'node:fs/promises'

/**
 * Runs once the web server answers: the answer must come from the `next start` that Playwright
 * started for this run (its pid, written by the `webServer` command), not from whatever else may
 * hold the port. Same check as `test/support/server.ts`.
 */
export default async function globalSetup(): Promise<void> {
  const port = process.env.E2E_PORT
  const pidFile = process.env.E2E_SERVER_PID_FILE
  if (!port || !pidFile) throw new Error('playwright.config.ts sets E2E_PORT and E2E_SERVER_PID_FILE; run the tests through it')
  const started = Number((await readFile(pidFile, 'utf8')).trim())
  const res = await fetch(`http://127.0.0.1:${port}/api/health`)
  const { pid } = (await res.json()) as { pid?: number }
  if (pid !== started) {
    throw new Error(`Another process (pid ${pid}) answered on port ${port}, not the next start Playwright started (pid ${started})`)
  }
}
