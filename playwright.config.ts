import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { defineConfig, devices } from '@playwright/test'

/**
 * The server under test must provably be the one this run started. Playwright evaluates this file
 * in its runner and again in every worker; the runner picks the port and the data directory once
 * and leaves them in the environment, which the workers inherit:
 *
 * - the port is `E2E_PORT` when set, else a free one (so two runs never meet on a fixed port);
 * - the data directory is a fresh temporary one (`e2e/global-teardown.ts` removes it);
 * - the server writes its pid to `E2E_SERVER_PID_FILE` before it starts (`exec`, so the shell's
 *   pid is next start's), and `e2e/global-setup.ts` checks that `/api/health` reports that pid.
 */
process.env.E2E_PORT ??= execFileSync(process.execPath, [
  '-e',
  "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { process.stdout.write(String(s.address().port)); s.close() })",
])
  .toString()
  .trim()
process.env.E2E_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), 'sluice-e2e-'))
process.env.E2E_SERVER_PID_FILE ??= path.join(process.env.E2E_DATA_DIR, '..', `${path.basename(process.env.E2E_DATA_DIR)}.pid`)

const port = Number(process.env.E2E_PORT)
const baseURL = `http://127.0.0.1:${port}`
const dataDir = process.env.E2E_DATA_DIR
const pidFile = process.env.E2E_SERVER_PID_FILE

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results/playwright',
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  // One browser at a time: several tests read server-wide counters (open streams, feed clients).
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: {
    // The production build, started fresh with its own data directory; `exec` keeps the pid written.
    command: `echo $$ > "${pidFile}" && exec next start -H 127.0.0.1 -p ${port}`,
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    // SLUICE_UPLOAD_THROTTLE_BPS (test-only): caps disk writes at 20 MB/s so that a 50 MB upload
    // on localhost lasts long enough to watch, cancel and reload mid-way (e2e/upload.spec.ts).
    env: { SLUICE_DATA_DIR: dataDir, SLUICE_FEED_INTERVAL_MS: '250', SLUICE_UPLOAD_THROTTLE_BPS: '20000000' },
  },
})
