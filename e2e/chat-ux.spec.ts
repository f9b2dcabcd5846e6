import { expect, test, type Page } from '@playwright/test'
import { askInChat, lastAnswer } from './support'

/** Pixels between the bottom of the viewport and the bottom of the page. */
const gapBelow = (page: Page) => page.evaluate(() => document.documentElement.scrollHeight - (window.scrollY + window.innerHeight))

test('a suggestion chip sends its prompt: the tool calls run and the chips make way', async ({ page }) => {
  await page.goto('/chat')
  await page.getByTestId('chat-suggestions').getByRole('button', { name: 'Time in Tokyo, and 12 × (3 + 4)' }).click()
  await expect(page).toHaveURL(/\/chat\/[\w-]+$/)
  await expect(page.getByTestId('tool-call').first()).toBeVisible()
  await expect(page.getByTestId('chat-suggestions')).toHaveCount(0)
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 })
  await expect(lastAnswer(page)).toContainText('84')
})

test('answers are markdown: emphasis and code render as such, and HTML from the model does not run', async ({ page }) => {
  await page.goto('/chat')
  await askInChat(page, 'Repeat after me: This is **bold**, this is `code`. <img src=x onerror="window.__ran=1"> Done.')
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 })
  await expect(lastAnswer(page).locator('strong, [data-streamdown="strong"]').first()).toHaveText('bold')
  await expect(lastAnswer(page).locator('code').first()).toHaveText('code')
  expect(await page.evaluate(() => (window as unknown as { __ran?: number }).__ran)).toBeUndefined()
})

test('the page follows a growing answer until the reader scrolls up, then offers to jump to the latest', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 640 })
  await page.goto('/chat')
  await askInChat(page, 'Tell me a long story about following the latest')
  // Following: once the answer is taller than the screen, the page keeps its end in view.
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollHeight > window.innerHeight * 1.5), { timeout: 30_000 })
    .toBe(true)
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'streaming')
  expect(await gapBelow(page)).toBeLessThanOrEqual(96)
  // The reader scrolls up: the page stays where they are while text keeps arriving.
  await page.mouse.wheel(0, -4000)
  await expect(page.getByTestId('chat-jump')).toBeVisible()
  const y = await page.evaluate(() => window.scrollY)
  const length = (await lastAnswer(page).textContent())!.length
  await expect.poll(async () => (await lastAnswer(page).textContent())!.length).toBeGreaterThan(length + 40)
  expect(await page.evaluate(() => window.scrollY)).toBe(y)
  // Jump to latest: back at the end, and following again.
  await page.getByTestId('chat-jump').click()
  await expect.poll(() => gapBelow(page)).toBeLessThanOrEqual(96)
  await expect(page.getByTestId('chat-jump')).toHaveCount(0)
})

test('copy puts the answer on the clipboard; regenerate replaces it with a new answer', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await page.goto('/chat')
  await askInChat(page, 'Repeat after me: The first answer.')
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 })
  await page.getByTestId('message-copy').click()
  await expect(page.getByTestId('message-copy')).toHaveText('Copied')
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('The first answer.')

  const before = await page.getByTestId('message-assistant').last().getAttribute('data-message-id')
  const answers = page.waitForRequest(
    (r) => r.url().endsWith('/api/chat') && r.method() === 'POST' && r.postData()!.includes('regenerate-message'),
  )
  await page.getByTestId('message-regenerate').click()
  await answers
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 })
  await expect(page.getByTestId('message-assistant')).toHaveCount(1)
  await expect(page.getByTestId('message-assistant').last()).not.toHaveAttribute('data-message-id', before!)
  await expect(lastAnswer(page)).toHaveText('The first answer.')
})

test('an error is said in words with Retry, and the inspector shows an error, not "done"', async ({ page }) => {
  await page.goto('/chat')
  await askInChat(page, '/fail 429')
  await expect(page.getByTestId('chat-error')).toContainText('The model is busy right now')
  await expect(page.getByTestId('chat-error').getByText('rate_limited:model')).toBeHidden() // folded under "Details"
  await expect(page.getByTestId('chat-retry')).toBeVisible()
  await expect(page.getByTestId('inspector-phase')).toHaveText('error')
})

test('a chat is deleted from the sidebar after a confirmation, and its page goes back to a new chat', async ({ page, request }) => {
  await page.goto('/chat')
  const id = await askInChat(page, 'Repeat after me: Delete me.')
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 })
  await page.reload()
  const entry = page.getByTestId('chat-list-entry').filter({ has: page.locator(`a[href="/chat/${id}"]`) })
  await expect(entry.locator('time')).toBeVisible()
  await entry.getByTestId('chat-delete').click()
  await entry.getByTestId('chat-delete-confirm').click()
  await expect(page).toHaveURL(/\/chat$/)
  await expect(page.locator(`a[href="/chat/${id}"]`)).toHaveCount(0)
  expect((await request.get(`/api/chats/${id}`)).status()).toBe(404)
})

test('a chat is renamed from the sidebar; the title survives a reload and the next answer', async ({ page }) => {
  await page.goto('/chat')
  const id = await askInChat(page, 'Repeat after me: Name me.')
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 })
  await page.reload()
  const entry = page.getByTestId('chat-list-entry').filter({ has: page.locator(`a[href="/chat/${id}"]`) })
  await entry.getByTestId('chat-rename').click()
  await entry.getByRole('textbox', { name: 'New title' }).fill('My renamed chat')
  await entry.getByTestId('chat-rename-save').click()
  await expect(entry.getByTestId('chat-list-item')).toContainText('My renamed chat')
  await page.reload()
  await expect(entry.getByTestId('chat-list-item')).toContainText('My renamed chat')
  await askInChat(page, 'Repeat after me: Still named.')
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 })
  await page.reload()
  await expect(entry.getByTestId('chat-list-item')).toContainText('My renamed chat')
})
