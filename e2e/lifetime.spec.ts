import { expect, test, type Page } from '@playwright/test'
import { startServer, type TestServer } from '../test/support/server'
import { askInChat, lastAnswer } from './support'

/**
 * Pages keep receiving across the server's lifetime ends. The Playwright server runs with the
 * default lifetime (270 s), so this file starts its own production server with a 1.5 s one.
 */
test.describe.configure({ mode: 'serial', timeout: 90_000 })

let server: TestServer

test.beforeAll(async () => {
  test.setTimeout(90_000)
  server = await startServer({ env: { SLUICE_STREAM_LIFETIME_MS: '1500', SLUICE_FEED_INTERVAL_MS: '200', SLUICE_OFFLINE_TOKEN_MS: '40' } })
})

test.afterAll(async () => {
  await server?.stop()
})

function consecutive(ids: number[]): void {
  for (let i = 1; i < ids.length; i++) expect(ids[i], `id after ${ids[i - 1]}`).toBe(ids[i - 1]! + 1)
}

async function feedIds(page: Page): Promise<number[]> {
  const text = (await page.getByTestId('feed-ids').textContent()) ?? ''
  return text.trim().split(/\s+/).filter(Boolean).map(Number)
}

test('the feed page keeps receiving across lifetime ends, without a gap or a duplicate', async ({ page }) => {
  await page.goto(`${server.baseUrl}/feed`)
  await expect(page.getByTestId('feed-connection')).toHaveText('open')
  await expect
    .poll(async () => Number(await page.getByTestId('feed-rollovers').textContent()), { timeout: 20_000 })
    .toBeGreaterThanOrEqual(3)
  await expect(page.getByTestId('feed-lifetime')).toContainText('1.5 s')
  const atThird = (await feedIds(page)).at(-1)!
  await expect.poll(async () => (await feedIds(page)).at(-1)!).toBeGreaterThan(atThird + 3)
  consecutive(await feedIds(page))
  await expect(page.getByTestId('feed-gaps')).toHaveText('0')
  await expect(page.getByTestId('feed-duplicates')).toHaveText('0')
})

test('the stream viewer shows every line once across lifetime ends while a producer appends', async ({ page }) => {
  const id = `lifetime/e2e-${Date.now()}`
  const stream = `${server.baseUrl}/v1/stream/${id}`
  expect((await fetch(stream, { method: 'PUT', headers: { 'Content-Type': 'text/plain' } })).status).toBe(201)
  await page.goto(`${server.baseUrl}/durable?id=${encodeURIComponent(id)}`)
  await expect(page.getByTestId('viewer-state')).toHaveText('live')
  let n = 0
  const until = Date.now() + 5_000 // over three lifetimes
  while (Date.now() < until) {
    expect((await fetch(stream, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: `line ${++n}\n` })).status).toBe(204)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await fetch(stream, { method: 'POST', headers: { 'Stream-Closed': 'true' } })
  await expect(page.getByTestId('viewer-state')).toHaveText('closed')
  const text = (await page.getByTestId('viewer-content').textContent()) ?? ''
  expect(text).toBe(Array.from({ length: n }, (_, i) => `line ${i + 1}\n`).join(''))
})

test('an import on the jobs page is resumed across lifetime ends: every frame once, the import complete', async ({ page }) => {
  await page.goto(`${server.baseUrl}/jobs`)
  await page.getByTestId('import-rows').fill('2000')
  await page.getByTestId('import-batch-size').fill('100')
  await page.getByTestId('import-delay').fill('200')
  await page.getByTestId('import-start').click()
  // Streamed: progress shows while the import still runs.
  await expect(page.getByTestId('import-counts')).toBeVisible()
  expect(await page.getByTestId('import-result').count()).toBe(0)
  await expect(page.getByTestId('import-result')).toHaveAttribute('data-outcome', 'complete', { timeout: 30_000 })
  await expect(page.getByTestId('import-reconnects')).toContainText(/ended the response at its lifetime [2-9] time/)
  const frames = await page.getByTestId('import-frames').locator('li[data-frame]').allTextContents()
  consecutive(frames.map((f) => Number(f.split('#')[1])))
  expect(frames[0]).toBe('start #0')
  expect(frames.at(-1)).toMatch(/^complete #21$/)
})

test('a long chat answer is followed again at each lifetime end and shown once, complete', async ({ page }) => {
  await page.goto(`${server.baseUrl}/chat`)
  const chatId = await askInChat(page, 'Tell me a long story about streams, in detail')
  type StoredChat = { activeStreamId: string | null; messages: { role: string; parts: { type: string; text?: string }[] }[] }
  const stored = async () => (await (await page.request.get(`${server.baseUrl}/api/chats/${chatId}`)).json()) as StoredChat
  // Streamed: the page shows part of the answer while it is still being written.
  await expect(lastAnswer(page).first()).not.toBeEmpty()
  expect((await stored()).activeStreamId).not.toBeNull()
  await expect(page.getByTestId('chat-rollovers')).toBeVisible({ timeout: 20_000 })
  await expect.poll(async () => (await stored()).activeStreamId, { timeout: 60_000 }).toBeNull()
  const text = (await stored()).messages.at(-1)!.parts.flatMap((p) => (p.type === 'text' ? [p.text!] : []))
  await expect(lastAnswer(page)).toHaveText(text, { timeout: 15_000 })
  await expect(page.getByTestId('message-assistant')).toHaveCount(1)
  await expect(page.getByTestId('chat-rollovers')).toContainText(/[2-9] time/)
})
