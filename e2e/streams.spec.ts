import { gunzipSync } from 'node:zlib'
import { readFile } from 'node:fs/promises'
import { expect, test } from '@playwright/test'

/** The /streams page: live watching, reload-and-resume, list and filters, downloads, delete. */

function lineNumbers(text: string): number[] {
  return [...text.matchAll(/line (\d+) of 240/g)].map((m) => Number(m[1]))
}

test('a log stream is watched live, and a reload resumes from the saved offset without gaps or duplicates', async ({ page, request }) => {
  await page.goto('/streams')
  await page.getByTestId('producer-logs').click()
  const viewer = page.getByTestId('viewer')
  await expect(viewer).toHaveAttribute('data-stream-id', /^logs\//)
  const id = (await viewer.getAttribute('data-stream-id'))!
  const content = page.getByTestId('viewer-content')
  await expect(content).toContainText('line 3 of 240')
  await expect(page.getByTestId('viewer-state')).toHaveText('live')

  // It streamed: the first lines are on screen while the producer is still writing on the server.
  const head = await request.head(`/v1/stream/${id}`)
  expect(head.status()).toBe(200)
  expect(head.headers()['stream-closed']).toBeUndefined()
  expect(await (await request.get(`/v1/stream/${id}`)).text()).not.toContain('line 240 of 240')

  const before = lineNumbers((await content.textContent()) ?? '')
  const offsetBefore = await page.getByTestId('viewer-offset').textContent()
  await page.reload()
  await expect(page.getByTestId('viewer-resumed')).toContainText('Resumed after a reload from saved offset')
  await expect(content).toContainText(`line ${before.at(-1)! + 4} of 240`)
  expect(await page.getByTestId('viewer-offset').textContent()).not.toBe(offsetBefore)

  const after = lineNumbers((await content.textContent()) ?? '')
  expect(after.length).toBeGreaterThan(before.length)
  expect(after).toEqual(Array.from({ length: after.length }, (_, i) => i + 1)) // 1..n: no gap, no duplicate
})

test('a CSV export is listed and filtered, downloads plain and gzip, and can be deleted', async ({ page, request }) => {
  await page.goto('/streams')
  await page.getByTestId('producer-export').click()
  const viewer = page.getByTestId('viewer')
  await expect(viewer).toHaveAttribute('data-stream-id', /^export\//)
  const id = (await viewer.getAttribute('data-stream-id'))!
  await expect(page.getByTestId('viewer-state')).toHaveText('closed', { timeout: 30_000 })
  await expect(page.getByTestId('viewer-content')).toContainText('99999,Tim 99999,tim.99999@example.com')
  await expect(page.getByTestId('viewer-bytes')).toContainText('MB')

  await page.getByTestId('filter-namespace').fill('export')
  await page.getByTestId('filter-metadata').fill('demo=csv-export')
  await expect(page.locator(`[data-testid="stream-row"][data-id="${id}"]`)).toContainText('closed')
  await page.getByTestId('filter-metadata').fill('demo=logs')
  await expect(page.getByTestId('list-total')).toHaveText('0')

  const plain = page.waitForEvent('download')
  await page.getByTestId('viewer-download').click()
  const csv = (await readFile((await (await plain).path())!)).toString()
  expect(csv.split('\n')[0]).toBe('id,name,email,created')
  expect(csv.trimEnd().split('\n')).toHaveLength(100_001)

  const gz = page.waitForEvent('download')
  await page.getByTestId('viewer-download-gz').click()
  const download = await gz
  expect(download.suggestedFilename()).toMatch(/\.csv\.gz$/)
  const compressed = await readFile((await download.path())!)
  expect(compressed.byteLength).toBeLessThan(csv.length / 3)
  expect(gunzipSync(compressed).toString()).toBe(csv)

  await page.getByTestId('viewer-delete').click()
  await expect(page.getByTestId('viewer')).toHaveCount(0)
  expect((await request.get(`/v1/stream/${id}`)).status()).toBe(404)
})

test('the list pages through streams 20 at a time', async ({ page }) => {
  const run = `r${Date.now()}`
  // The list shows the visitor's own streams: create them with the page's identity (its cookie,
  // given by the list it loads first).
  await page.goto('/streams')
  // The identity comes with the list's first answer: wait for the cookie before creating.
  await expect.poll(async () => (await page.context().cookies()).some((c) => c.name === 'sluice_visitor')).toBe(true)
  for (let i = 0; i < 25; i++) {
    const res = await page.request.post('/api/streams', { data: { namespace: 'pages', contentType: 'text/plain', metadata: { run, i: String(i) } } })
    expect(res.status()).toBe(201)
  }
  await page.reload()
  await page.getByTestId('filter-namespace').fill('pages')
  await page.getByTestId('filter-metadata').fill(`run=${run}`)
  await expect(page.getByTestId('list-total')).toHaveText('25')
  await expect(page.getByTestId('stream-row')).toHaveCount(20)
  await expect(page.getByTestId('list-page')).toHaveText('page 1 of 2')
  await page.getByTestId('list-next').click()
  await expect(page.getByTestId('stream-row')).toHaveCount(5)
  await expect(page.getByTestId('list-page')).toHaveText('page 2 of 2')
  await expect(page.getByTestId('list-next')).toBeDisabled()
})
