import { expect, test } from '@playwright/test'
import { activeStreams } from './support'

test('tokens appear one by one while the server is still producing them', async ({ page, request }) => {
  await page.goto('/words')
  await page.getByTestId('words-count').fill('25')
  await page.getByTestId('words-delay').fill('200')
  await page.getByTestId('words-start').click()

  // The first token is on screen ...
  await expect(page.getByTestId('words-arrivals').locator('li').first()).toBeVisible()
  // ... while the server's generator is still running (the last token has not been produced) ...
  expect(await activeStreams(request, 'words')).toBeGreaterThanOrEqual(1)
  expect(await page.getByTestId('words-arrivals').locator('li').count()).toBeLessThan(25)
  await expect(page.getByTestId('inspector-phase')).toHaveText('streaming')

  // ... and the rest follows.
  await expect(page.getByTestId('inspector-phase')).toHaveText('done', { timeout: 20_000 })
  await expect(page.getByTestId('words-arrivals').locator('li')).toHaveCount(25)
  await expect(page.getByTestId('inspector-chunks')).toHaveText('25')
  await expect(page.getByTestId('words-output')).toContainText('A streaming route handler flushes bytes')
})

test('Stop cancels the read and the server-side generator stops', async ({ page, request }) => {
  await page.goto('/words')
  const counter = page.getByTestId('words-active')
  await expect(counter).toHaveText(/^\d+$/)
  const before = Number(await counter.textContent())

  await page.getByTestId('words-count').fill('2000')
  await page.getByTestId('words-delay').fill('100')
  await page.getByTestId('words-start').click()
  await expect(page.getByTestId('words-arrivals').locator('li').nth(2)).toBeVisible()
  await expect(counter).toHaveText(String(before + 1))
  expect(await activeStreams(request, 'words')).toBe(before + 1)

  await page.getByTestId('words-stop').click()
  await expect(page.getByTestId('inspector-phase')).toHaveText('stopped')
  // The server noticed: the generator's finally ran and the counter is back where it was.
  await expect(counter).toHaveText(String(before))
  await expect.poll(() => activeStreams(request, 'words')).toBe(before)
  const received = await page.getByTestId('words-arrivals').locator('li').count()
  expect(received).toBeLessThan(2000)
})

test('the inputs take their bounds from the server’s schema, and a refusal is shown by its field in words', async ({ page }) => {
  await page.goto('/words')
  // The server's query schema says count ≥ 1 and delay ≥ 0 (app/api/words/schema.ts).
  await expect(page.getByTestId('words-count')).toHaveAttribute('min', '1')
  await expect(page.getByTestId('words-delay')).toHaveAttribute('min', '0')
  await page.getByTestId('words-count').fill('0')
  const answer = page.waitForResponse((r) => r.url().includes('/api/words'))
  await page.getByTestId('words-start').click()
  expect((await answer).status()).toBe(400)
  await expect(page.getByTestId('words-count-error')).toHaveText('Must be at least 1.')
  await expect(page.getByTestId('words-count')).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByTestId('words-delay-error')).toHaveCount(0)
  await expect(page.getByTestId('words-error')).toContainText('That input was not accepted')
  await expect(page.getByTestId('words-error').getByText('bad_request:query')).toBeHidden() // for developers, folded away
  await expect(page.getByTestId('inspector-phase')).toHaveText('error')
})
