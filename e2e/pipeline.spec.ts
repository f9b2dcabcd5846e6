import { expect, test } from '@playwright/test'

test('a 20 MB body is transformed and the records stream back before the end', async ({ page }) => {
  await page.goto('/pipeline')
  await page.getByTestId('pipeline-generate').click()
  await expect(page.getByTestId('pipeline-source')).toContainText('generated text (20.0 MB)')
  await page.getByTestId('pipeline-filter').fill('sluice')
  await page.getByTestId('pipeline-run').click()

  await expect(page.getByTestId('inspector-phase')).toHaveText('done', { timeout: 30_000 })
  await expect(page.getByTestId('pipeline-summary')).toContainText('20.0 MB in')
  const kept = Number(await page.getByTestId('pipeline-kept').textContent())
  expect(kept).toBeGreaterThan(1000)

  // A browser reads the response only after sending the whole body, so streaming shows on the
  // server's side: each record says how much of the body had been read when it was produced.
  const firstAt = Number(await page.getByTestId('pipeline-first-at').getAttribute('data-value'))
  expect(firstAt).toBeGreaterThan(0)
  expect(firstAt).toBeLessThan(2 * 1024 * 1024) // the first record left after ~1/10 of the 20 MB
  const chunks = Number(await page.getByTestId('inspector-chunks').getAttribute('data-value'))
  expect(chunks).toBe(kept + 1) // one inspector entry per record, the summary included
})

test('pasted text is filtered and enriched', async ({ page }) => {
  await page.goto('/pipeline')
  await page.getByTestId('pipeline-text').fill('one fish\ntwo fish\nred bird\nblue fish')
  await page.getByTestId('pipeline-filter').fill('fish')
  await page.getByTestId('pipeline-run').click()
  await expect(page.getByTestId('inspector-phase')).toHaveText('done')
  await expect(page.getByTestId('pipeline-kept')).toHaveText('3')
  await expect(page.getByTestId('pipeline-lines')).toContainText('4 blue fish (2 words)')
  await expect(page.getByTestId('pipeline-summary')).toContainText('of 4 read')
})

test('in slow motion the records trickle in, and Stop ends the stream half-way', async ({ page }) => {
  await page.goto('/pipeline')
  await page.getByTestId('pipeline-generate').click()
  await expect(page.getByTestId('pipeline-source')).toContainText('generated text (20.0 MB)')
  await page.getByTestId('pipeline-filter').fill('sluice')
  await page.getByTestId('pipeline-slow').check()
  await page.getByTestId('pipeline-run').click()

  const kept = async () => Number(await page.getByTestId('pipeline-kept').textContent())
  await expect.poll(kept, { timeout: 60_000, message: 'the first records arrive' }).toBeGreaterThan(0)
  const first = await kept()
  await expect.poll(kept, { timeout: 10_000, message: 'more records keep arriving, slowly' }).toBeGreaterThan(first)
  await expect(page.getByTestId('inspector-phase')).toHaveText('streaming')
  await page.getByRole('button', { name: 'Stop' }).click()
  await expect(page.getByTestId('inspector-phase')).toHaveText('stopped')
  const atStop = await kept()
  await page.waitForTimeout(1_000)
  expect(await kept()).toBe(atStop) // nothing arrives after Stop
  await expect(page.getByTestId('pipeline-summary')).toHaveCount(0) // it never reached its end
})
