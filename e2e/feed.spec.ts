import { expect, test } from '@playwright/test'
import { activeStreams } from './support'

async function ids(page: import('@playwright/test').Page): Promise<number[]> {
  const text = (await page.getByTestId('feed-ids').textContent()) ?? ''
  return text.trim().split(/\s+/).filter(Boolean).map(Number)
}

test('a dropped connection reconnects and the ids stay gap-free, without duplicates', async ({ page }) => {
  await page.goto('/feed')
  await expect(page.getByTestId('feed-connection')).toHaveText('open')
  await expect.poll(async () => (await ids(page)).length).toBeGreaterThanOrEqual(4)

  // The server closes the connection; events keep being produced while the browser waits to reconnect.
  await page.getByTestId('feed-drop').click()
  await expect(page.getByTestId('feed-reconnects')).toHaveText('1', { timeout: 10_000 })
  const atReconnect = (await ids(page)).at(-1)!
  await expect.poll(async () => (await ids(page)).at(-1)!).toBeGreaterThan(atReconnect + 4)

  const received = await ids(page)
  for (let i = 1; i < received.length; i++) {
    expect(received[i], `id after ${received[i - 1]}`).toBe(received[i - 1]! + 1)
  }
  await expect(page.getByTestId('feed-gaps')).toHaveText('0')
  await expect(page.getByTestId('feed-duplicates')).toHaveText('0')
})

test('leaving the page closes the EventSource on the server', async ({ page, request }) => {
  const before = await activeStreams(request, 'feed')
  await page.goto('/feed')
  await expect(page.getByTestId('feed-connection')).toHaveText('open')
  await expect.poll(() => activeStreams(request, 'feed')).toBe(before + 1)
  await page.getByRole('link', { name: 'Sluice' }).click()
  await expect(page.getByTestId('demo-list')).toBeVisible()
  await expect.poll(() => activeStreams(request, 'feed')).toBe(before)
})
