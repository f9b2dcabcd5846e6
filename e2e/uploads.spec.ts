import { createHash, randomBytes } from 'node:crypto'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test'

// The e2e server writes uploads at most at 20 MB/s (SLUICE_UPLOAD_THROTTLE_BPS in
// playwright.config.ts), so a 50 MB upload lasts about 2.5 s on localhost: long enough to watch.
const SIZE = 50 * 1024 * 1024
// The server's data directory is this run's own temporary one (E2E_DATA_DIR, playwright.config.ts).
const partsDir = path.join(process.env.E2E_DATA_DIR!, 'uploads', '.parts')

interface Progress {
  state: string
  offset: number
  size: number
  attemptOffset: number
}

/** A file of random bytes on disk (so the browser sees a real name and modification time), and its SHA-256. */
async function makeFile(testInfo: TestInfo, name: string, size = SIZE): Promise<{ file: string; sha256: string }> {
  const data = randomBytes(size)
  const file = testInfo.outputPath(name)
  await writeFile(file, data)
  return { file, sha256: createHash('sha256').update(data).digest('hex') }
}

function item(page: Page, name: string): Locator {
  return page.locator(`[data-testid="upload-item"][data-name="${name}"]`)
}

async function percent(row: Locator): Promise<number> {
  return Number(await row.getByTestId('upload-progress').getAttribute('aria-valuenow'))
}

/** Waits until the bar is part-way, then checks the server is indeed still receiving: the bar is live, not replayed. */
async function seeMidway(page: Page, row: Locator, above = 0, size = SIZE): Promise<{ id: string; value: number }> {
  await expect.poll(() => percent(row), { timeout: 30_000 }).toBeGreaterThan(above)
  const value = await percent(row)
  const id = (await row.getAttribute('data-upload-id'))!
  const server = (await (await page.request.get(`/api/uploads/sessions/${id}`)).json()) as Progress
  expect(value).toBeLessThan(100)
  expect(server.state).toBe('receiving')
  expect(server.offset).toBeLessThan(size)
  return { id, value }
}

test('a 50 MB upload shows server-side progress, is listed, and downloads byte-identical', async ({ page }, testInfo) => {
  const { file, sha256 } = await makeFile(testInfo, 'fifty.bin')
  await page.goto('/uploads')
  await page.getByTestId('upload-input').setInputFiles(file)
  const row = item(page, 'fifty.bin')

  const first = await seeMidway(page, row)
  // A later reading, still below 100 %: the bar moves through intermediate values.
  await expect.poll(() => percent(row)).toBeGreaterThan(first.value)
  expect(await percent(row)).toBeLessThan(100)
  await expect(row.getByTestId('upload-rate')).toHaveText(/\/s · \d+ s left$/)

  await expect(row).toHaveAttribute('data-status', 'complete', { timeout: 60_000 })
  expect(await percent(row)).toBe(100)
  await expect(row.getByTestId('upload-rate')).toHaveText('finished') // in words, no placeholder dashes
  await expect(row).not.toContainText('—')
  await expect(row.getByTestId('upload-sha256')).toHaveText(`sha256 ${sha256}`)

  const stored = page.locator('[data-testid="stored-upload"][data-name="fifty.bin"]')
  await expect(stored).toBeVisible()
  const downloading = page.waitForEvent('download')
  await stored.getByTestId('stored-download').click()
  const download = await downloading
  expect(download.suggestedFilename()).toBe('fifty.bin')
  const saved = await download.path()
  expect(
    createHash('sha256')
      .update(await readFile(saved))
      .digest('hex'),
  ).toBe(sha256)

  await stored.getByTestId('stored-delete').click()
  await expect(stored).toHaveCount(0)
})

test('in slow motion the upload is watched part-way, Cancel leaves nothing on the server, and the card can be dismissed', async ({
  page,
}, testInfo) => {
  // 4 MB at the page's slow motion (256 KB/s, read by the server: ?rate=262144) lasts about 16 s.
  const size = 4 * 1024 * 1024
  const { file } = await makeFile(testInfo, 'cancel-me.bin', size)
  await page.goto('/uploads')
  await page.getByTestId('upload-slow').check()
  await page.getByTestId('upload-input').setInputFiles(file)
  const row = item(page, 'cancel-me.bin')
  const { id } = await seeMidway(page, row, 0, size)
  // The server's pace shows in the rate the page measures from the server's own progress: slow
  // motion, not the 20 MB/s this server writes at otherwise. Still part-way, well before the end.
  const rate = async () => Number((await row.getByTestId('upload-rate').getAttribute('data-value')) || 0)
  await expect.poll(rate, { message: 'the page has measured a rate' }).toBeGreaterThan(0)
  expect(await rate()).toBeLessThan(2 * 256 * 1024)
  expect(await percent(row)).toBeLessThan(75)
  await expect(row.getByTestId('upload-dismiss')).toHaveCount(0) // a running upload is cancelled, not dismissed

  await row.getByTestId('upload-cancel').click()
  await expect(row).toHaveAttribute('data-status', 'cancelled')
  await expect
    .poll(async () => {
      const res = await page.request.get(`/api/uploads/sessions/${id}`)
      return res.status() === 404 ? 'gone' : ((await res.json()) as Progress).state
    })
    .toMatch(/^(cancelled|gone)$/)
  expect(await readdir(partsDir)).not.toContain(`${id}.part`)
  const listed = (await (await page.request.get('/api/uploads')).json()) as { uploads: { name: string }[] }
  expect(listed.uploads.map((u) => u.name)).not.toContain('cancel-me.bin')
  await expect(page.locator('[data-testid="stored-upload"][data-name="cancel-me.bin"]')).toHaveCount(0)

  // An ended card says so in words and can be dismissed from the keyboard; a running one has no Dismiss.
  await expect(row.getByTestId('upload-rate')).toHaveText('cancelled: the server removed its bytes')
  await expect(row).not.toContainText('—')
  await row.getByRole('button', { name: 'Dismiss cancel-me.bin' }).focus()
  await page.keyboard.press('Enter')
  await expect(row).toHaveCount(0)
})

test('a reload mid-upload resumes from the server offset when the same file is picked again', async ({ page }, testInfo) => {
  const { file, sha256 } = await makeFile(testInfo, 'reload.bin')
  await page.goto('/uploads')
  await page.getByTestId('upload-input').setInputFiles(file)
  const row = item(page, 'reload.bin')
  const { id } = await seeMidway(page, row, 10)

  await page.reload()
  const interrupted = item(page, 'reload.bin')
  await expect(interrupted).toHaveAttribute('data-status', 'interrupted')
  await expect(interrupted).toHaveAttribute('data-upload-id', id)
  await expect(interrupted.getByTestId('upload-interrupted')).toBeVisible()
  const offsetAfterReload = Number(await interrupted.getByTestId('upload-progress').getAttribute('data-offset'))
  expect(offsetAfterReload).toBeGreaterThan(0)

  await page.getByTestId('upload-input').setInputFiles(file)
  await expect(interrupted).toHaveAttribute('data-status', 'complete', { timeout: 60_000 })
  // The upload went on from where the server was, not from byte 0, and under the same id.
  const resumedFrom = Number(await interrupted.getByTestId('upload-resumed').getAttribute('data-value'))
  expect(resumedFrom).toBeGreaterThanOrEqual(offsetAfterReload)
  await expect(interrupted).toHaveAttribute('data-upload-id', id)
  await expect(interrupted.getByTestId('upload-sha256')).toHaveText(`sha256 ${sha256}`)

  const res = await page.request.get('/api/uploads/reload.bin')
  expect(
    createHash('sha256')
      .update(await res.body())
      .digest('hex'),
  ).toBe(sha256)
})

test('the stored-uploads list says when it cannot be reached, and its error goes once a retry succeeds', async ({ page }) => {
  // The network fails for the list only: the page shows it in words and keeps trying by itself.
  await page.route('**/api/uploads', (route) =>
    route.request().method() === 'GET' ? route.abort('internetdisconnected') : route.continue(),
  )
  await page.goto('/uploads')
  await expect(page.getByTestId('stored-error')).toContainText('Could not list the uploads: trying again by itself')
  await expect(page.getByTestId('stored-error')).toContainText('Could not reach the server')
  await expect(page.getByTestId('stored-error')).not.toContainText('Failed to fetch')
  // The network is back: the next attempt (no reload, no click) lists them and the error is gone.
  const listed = page.waitForResponse((r) => r.url().endsWith('/api/uploads') && r.status() === 200)
  await page.unroute('**/api/uploads')
  await listed
  await expect(page.getByTestId('stored-error')).toHaveCount(0)
  await expect(page.getByTestId('stored-empty').or(page.getByTestId('stored-uploads'))).toBeVisible()
})
