#!/usr/bin/env node
/**
 * Screenshots of two pages for the README's "What it looks like": the chat with one short answer,
 * and the uploads page with one finished upload. Desktop 1280×800, light. Run against a server
 * that is already up (a production build: `npm run serve`), e.g.
 *
 *   npm run screenshots -- http://localhost:3000 docs/screenshots after
 *
 * Arguments: the server's origin (default http://localhost:3000), the directory to write to
 * (default docs/screenshots) and a suffix for the file names (default `after`: chat-after.png,
 * upload-after.png). Chromium: `CHROMIUM` or /usr/bin/chromium (Debian's, as the e2e tests use).
 */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { chromium } from '@playwright/test'

const [origin = 'http://localhost:3000', dir = 'docs/screenshots', suffix = 'after'] = process.argv.slice(2)
const PROMPT = 'Say hello in one short sentence.'

await mkdir(dir, { recursive: true })
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' })
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', baseURL: origin })
  const page = await context.newPage()

  // The chat: one short answer from the configured model (the offline one without a key).
  await page.goto('/chat')
  await page.getByTestId('chat-input').fill(PROMPT)
  await page.getByTestId('chat-send').click()
  const chat = page.getByTestId('chat')
  await chat
    .locator('xpath=self::*[@data-status!="ready"]')
    .waitFor({ timeout: 10_000 })
    .catch(() => {}) // it may be done already
  await chat.locator('xpath=self::*[@data-status="ready"]').waitFor({ timeout: 60_000 })
  await page.waitForTimeout(500) // the last paint of the answer
  await page.screenshot({ path: path.join(dir, `chat-${suffix}.png`) })

  // The uploads page with one small upload, finished.
  await page.goto('/upload')
  await page.locator('input[type="file"]').setInputFiles({ name: 'hello.txt', mimeType: 'text/plain', buffer: Buffer.from('hello\n') })
  const done = page.locator('[data-testid="upload-item"][data-status="complete"]')
  await done.waitFor({ timeout: 30_000 })
  await done.scrollIntoViewIfNeeded()
  await page.waitForTimeout(500)
  await page.screenshot({ path: path.join(dir, `upload-${suffix}.png`) })
  console.log(`wrote ${dir}/chat-${suffix}.png and ${dir}/upload-${suffix}.png from ${origin}`)
} finally {
  await browser.close()
}
