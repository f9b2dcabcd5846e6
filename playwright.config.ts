import path from 'node:path'
import { defineConfig, devices } from '@playwright/test'

const port = Number(process.env.E2E_PORT ?? 3107)
const baseURL = `http://127.0.0.1:${port}`
const dataDir = path.resolve('test-results/e2e-data')


export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results/playwright',
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
      args: [
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: {
    // The production build, started fresh with its own data directory.
    command: `rm -rf "${dataDir}" && next start -H 127.0.0.1 -p ${port}`,
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
