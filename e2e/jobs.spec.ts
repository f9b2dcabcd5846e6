import { expect, test, type Page } from '@playwright/test'
import { activeStreams as running } from './support'

/**
 * Rows seeded for the export tests (~22 MB of CSV). It must be well over what the socket and browser
 * buffers hold while the page is paused (measured here: between 5 and 9 MB; 40,000 and 60,000 rows
 * fit), or the server finishes before the test can see it still running.
 */
const EXPORT_ROWS = Number(process.env.E2E_EXPORT_ROWS ?? 250_000)

async function progressValue(page: Page, testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).getAttribute('data-value'))
}

test.describe('import job', () => {
  test('shows progress while the server is still importing, then the summary', async ({ page, request }) => {
    await page.goto('/jobs')
    await page.getByTestId('import-rows').fill('2000')
    await page.getByTestId('import-invalid-every').fill('25')
    await page.getByTestId('import-batch-size').fill('100')
    await page.getByTestId('import-delay').fill('250')
    await page.getByTestId('import-start').click()

    await expect(page.getByTestId('import-counts')).toContainText('rows processed')
    await expect(page.getByTestId('import-status')).toHaveText('streaming')
    const first = await progressValue(page, 'import-progress')
    expect(first).toBeGreaterThan(0)
    expect(first).toBeLessThan(2000)
    expect(await running(request, 'stream:import')).toBe(1) // the handler is still producing
    // The list of stored imports has it too, running, with what it has committed so far.
    await expect(page.locator('[data-testid="import-entry"][data-status="running"]')).toHaveCount(1)

    await expect(page.getByTestId('import-result')).toHaveAttribute('data-outcome', 'complete', { timeout: 30_000 })
    await expect(page.getByTestId('import-status')).toHaveText('complete')
    await expect(page.getByTestId('import-inserted')).toHaveText('1920')
    await expect(page.getByTestId('import-rejected')).toHaveText('80')
    await expect(page.getByTestId('import-progress-text')).toContainText('2,000 of 2,000')
    await expect(page.getByTestId('import-rejections')).toContainText('email is not a valid address')
    await expect(page.getByTestId('import-frames').locator('li').first()).toHaveText('start #0')
    await expect(page.getByTestId('import-frames').locator('li').last()).toHaveText('complete #21')
    await expect.poll(() => running(request, 'stream:import')).toBe(0)

    // The result survives a reload: read back from the server's jobs store, in words.
    const jobId = (await page.getByTestId('import-job-id').textContent())!.trim()
    await page.reload()
    const stored = page.locator(`[data-testid="import-entry"][data-job-id="${jobId}"]`)
    await expect(stored).toHaveAttribute('data-status', 'complete')
    await expect(stored.getByTestId('import-entry-counts')).toContainText('1,920 rows accepted · 80 rejected · 2,000 read')
  })

  test('cancel mid-way ends with the cancel frame, stops the handler and keeps what was committed', async ({ page, request }) => {
    await page.goto('/jobs')
    await page.getByTestId('import-rows').fill('100000')
    await page.getByTestId('import-batch-size').fill('100')
    await page.getByTestId('import-delay').fill('200')
    await page.getByTestId('import-start').click()
    await expect(page.getByTestId('import-counts')).toContainText('rows processed')
    expect(await running(request, 'stream:import')).toBe(1)

    await page.getByTestId('import-cancel').click()
    await expect(page.getByTestId('import-result')).toHaveAttribute('data-outcome', 'cancelled')
    await expect(page.getByTestId('import-status')).toHaveText('cancelled')
    await expect(page.getByTestId('import-frames').locator('li').last()).toContainText('cancel #')
    await expect.poll(() => running(request, 'stream:import')).toBe(0)

    // What the cancel frame reports is exactly what the database holds.
    const inserted = Number(await page.getByTestId('import-inserted').textContent())
    expect(inserted).toBeGreaterThan(0)
    expect(inserted).toBeLessThan(100_000)
    const jobId = await page.getByTestId('import-job-id').textContent()
    // The job is the page's visitor's: read it with the page's cookie.
    const job = (await (await page.request.get(`/api/jobs/import/${jobId}`)).json()) as {
      status: string
      inserted: number
      storedRows: number
    }
    expect(job).toMatchObject({ status: 'cancelled', inserted, storedRows: inserted })
  })

  test('invalid input shows the validation message and starts nothing', async ({ page }) => {
    await page.goto('/jobs')
    await page.getByTestId('import-batch-size').fill('0')
    const answer = page.waitForResponse((response) => response.url().endsWith('/api/jobs/import'))
    await page.getByTestId('import-start').click()
    const response = await answer
    expect(response.status()).toBe(400) // refused before any frame: JSON, not an event stream
    expect(response.headers()['content-type']).toMatch(/^application\/json/)
    await expect(page.getByTestId('import-error')).toContainText('bad_request:body')
    await expect(page.getByTestId('import-error')).toContainText('batchSize')
    await expect(page.getByTestId('import-error')).toContainText('expected number to be >=1')
    await expect(page.getByTestId('import-status')).toHaveText('error')
    await expect(page.getByTestId('import-frames').locator('li')).toHaveCount(0)
    // In words, by the field it concerns, whose bounds are the job's input schema's.
    const batchSize = page.getByTestId('import-batch-size')
    await expect(batchSize).toHaveAttribute('aria-invalid', 'true')
    await expect(batchSize).toHaveAttribute('min', '1')
    const described = (await batchSize.getAttribute('aria-describedby'))!.split(' ')
    await expect(page.locator(`[id="${described.at(-1)}"]`)).toHaveText('Must be at least 1.')
  })

  test('imports an uploaded CSV and lists the rejected rows with their reasons', async ({ page }) => {
    await page.goto('/jobs')
    await page.getByTestId('import-source-upload').check()
    const csv = 'name,email,amount\nAda,ada@example.com,12.50\nBob,not-an-email,3\n"Lovelace, Ada",ada2@example.com,7\n,x@example.com,1\n'
    await page.getByTestId('import-file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await page.getByTestId('import-delay').fill('0')
    await page.getByTestId('import-start').click()
    await expect(page.getByTestId('import-result')).toHaveAttribute('data-outcome', 'complete')
    await expect(page.getByTestId('import-inserted')).toHaveText('2')
    await expect(page.getByTestId('import-rejected')).toHaveText('2')
    await expect(page.getByTestId('import-rejections')).toContainText('line 3: email is not a valid address')
    await expect(page.getByTestId('import-rejections')).toContainText('line 5: name is empty')
  })
})

test.describe('export', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/jobs')
    await expect(page.getByTestId('export-table-rows')).not.toHaveText('…')
    if ((await page.getByTestId('export-table-rows').textContent()) !== EXPORT_ROWS.toLocaleString('en')) {
      await page.getByTestId('export-seed-rows').fill(String(EXPORT_ROWS))
      await page.getByTestId('export-seed').click()
      await expect(page.getByTestId('export-table-rows')).toHaveText(EXPORT_ROWS.toLocaleString('en'), { timeout: 30_000 })
    }
  })

  test('streams rows into the page while the server cursor is still open, paused by backpressure', async ({ page, request }) => {
    await page.getByTestId('export-pause').click() // stop reading after the first chunk
    await page.getByTestId('export-start').click()
    await expect(page.getByTestId('export-status')).toHaveText('paused')
    const received = await progressValue(page, 'export-progress')
    expect(received).toBeGreaterThan(0)
    expect(received).toBeLessThan(EXPORT_ROWS)
    await expect(page.getByTestId('export-preview')).toContainText('id,name,email,city,amount_cents,created_at,note')
    // The page holds the first rows; the server has not produced the last ones: its cursor is open.
    expect(await running(request, 'export')).toBe(1)

    await page.getByTestId('export-pause').click() // resume
    await expect(page.getByTestId('export-result')).toHaveAttribute('data-outcome', 'complete', { timeout: 30_000 })
    await expect(page.getByTestId('export-progress-text')).toContainText(
      `${EXPORT_ROWS.toLocaleString('en')} of ${EXPORT_ROWS.toLocaleString('en')}`,
    )
    await expect.poll(() => running(request, 'export')).toBe(0)
  })

  test('cancel aborts the download and the server closes its cursor', async ({ page, request }) => {
    await page.getByTestId('export-pause').click()
    await page.getByTestId('export-start').click()
    await expect(page.getByTestId('export-status')).toHaveText('paused')
    expect(await running(request, 'export')).toBe(1)
    await page.getByTestId('export-cancel').click()
    await expect(page.getByTestId('export-result')).toHaveAttribute('data-outcome', 'cancelled')
    await expect.poll(() => running(request, 'export')).toBe(0)
  })

  test('in slow motion the rows arrive at the asked pace, and cancel stops the server', async ({ page, request }) => {
    await page.getByTestId('export-slow').check()
    await expect(page.getByTestId('export-download')).toHaveAttribute('href', '/api/jobs/export?format=csv&rate=65536')
    await page.getByTestId('export-start').click()
    await expect
      .poll(() => progressValue(page, 'export-progress'), { timeout: 15_000, message: 'the first rows arrive' })
      .toBeGreaterThan(0)
    const first = await progressValue(page, 'export-progress')
    await expect
      .poll(() => progressValue(page, 'export-progress'), { timeout: 10_000, message: 'more rows keep arriving' })
      .toBeGreaterThan(first)
    // At 64 KB/s (1 KB = 1024 bytes) the table (several MB) takes minutes: still running, far from its end.
    expect(await progressValue(page, 'export-progress')).toBeLessThan(EXPORT_ROWS / 2)
    expect(await running(request, 'export')).toBe(1)
    await page.getByTestId('export-cancel').click()
    await expect(page.getByTestId('export-result')).toHaveAttribute('data-outcome', 'cancelled')
    await expect.poll(() => running(request, 'export')).toBe(0)
  })

  test('a gzip export decompresses in the page to every row', async ({ page }) => {
    await page.getByTestId('export-format').selectOption('ndjson')
    await page.getByTestId('export-gzip').check()
    await expect(page.getByTestId('export-download')).toHaveAttribute('href', '/api/jobs/export?format=ndjson&gzip=1')
    await page.getByTestId('export-start').click()
    await expect(page.getByTestId('export-result')).toHaveAttribute('data-outcome', 'complete', { timeout: 30_000 })
    await expect(page.getByTestId('export-progress-text')).toContainText(
      `${EXPORT_ROWS.toLocaleString('en')} of ${EXPORT_ROWS.toLocaleString('en')}`,
    )
    await expect(page.getByTestId('export-preview')).toContainText('{"id":1,"name":')
  })

  test('exports in the background into a durable stream: its URL at once, rows while it is written', async ({ page, request }) => {
    // The server's count of running background exports, sampled every 10 ms from the click on: a
    // single look after the URL shows up can come after a fast export has already finished.
    const samples: Array<{ at: number; running: number }> = []
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        samples.push({ at: Date.now(), running: await running(request, 'export:durable') })
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    })()
    const answered = page
      .waitForResponse((r) => r.url().endsWith('/api/jobs/export/durable'))
      .then((r) => {
        expect(r.status()).toBe(202)
        return Date.now()
      })
    await page.getByTestId('export-durable-start').click()
    await expect(page.getByTestId('export-durable-url')).toContainText('/v1/stream/export/')
    const answeredAt = await answered
    await expect(page.getByTestId('export-durable-status')).toHaveText('complete', { timeout: 30_000 })
    sampling = false
    await sampler
    // The route had answered, and the rows were still being written after the response.
    expect(samples.some((s) => s.at >= answeredAt && s.running === 1)).toBe(true)
    const all = `${EXPORT_ROWS.toLocaleString('en')} of ${EXPORT_ROWS.toLocaleString('en')}`
    await expect(page.getByTestId('export-durable-progress-text')).toContainText(all)
    await expect.poll(() => running(request, 'export:durable')).toBe(0)
    // The URL outlives the job: anyone can download the finished export from it.
    const url = (await page.getByTestId('export-durable-url').textContent())!
    const download = await request.get(`${url}?download`)
    expect(download.status()).toBe(200)
    expect((await download.text()).startsWith('id,name,email,city,amount_cents,created_at,note\r\n1,')).toBe(true)
  })

  test('refuses an invalid table size with its validation message', async ({ page }) => {
    await page.getByTestId('export-seed-rows').fill('-1')
    await page.getByTestId('export-seed').click()
    await expect(page.getByTestId('export-seed-error')).toContainText('rows')
    await expect(page.getByTestId('export-seed-error')).toContainText('expected number to be >=0')
  })
})
