import { expect, test, type APIRequestContext, type Page } from '@playwright/test'

/** The chat's server-side state: whether its generation is still registered as running. */
async function activeGeneration(request: APIRequestContext, chatId: string): Promise<string | null> {
  const res = await request.get(`/api/chats/${chatId}`)
  expect(res.ok()).toBe(true)
  return ((await res.json()) as { activeStreamId: string | null }).activeStreamId
}

async function runningGenerations(request: APIRequestContext): Promise<number> {
  const health = (await (await request.get('/api/health')).json()) as { activeByKind: Record<string, number> }
  return health.activeByKind.generation ?? 0
}

async function ask(page: Page, text: string): Promise<string> {
  await page.getByTestId('chat-input').fill(text)
  await page.getByTestId('chat-send').click()
  await expect(page).toHaveURL(/\/chat\/[\w-]+$/)
  return (await page.getByTestId('chat').getAttribute('data-chat-id'))!
}

const answer = (page: Page) => page.getByTestId('message-assistant').last().getByTestId('part-text')

test('tokens appear while the server is still generating, and the model is named', async ({ page, request }) => {
  await page.goto('/chat')
  await expect(page.getByTestId('chat-model')).toHaveText(/Offline model \(sluice-offline-1/)
  const chatId = await ask(page, 'Tell me a long story about streams')
  // The first words are on screen...
  await expect(answer(page)).toHaveText(/\w+ \w+ \w+/)
  const early = (await answer(page).textContent())!
  // ...while the server has not finished producing the answer.
  expect(await activeGeneration(request, chatId)).not.toBeNull()
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 })
  const full = (await answer(page).textContent())!
  expect(full.startsWith(early)).toBe(true)
  expect(full.length).toBeGreaterThan(early.length)
  expect(await activeGeneration(request, chatId)).toBeNull()
})

test('a tool call renders its input, then its result, and the answer continues', async ({ page }) => {
  await page.goto('/chat')
  await ask(page, 'What is 12 * (3 + 4)?')
  const tool = page.getByTestId('tool-call')
  await expect(tool).toHaveAttribute('data-tool', 'calculate')
  await expect(tool.getByTestId('tool-input')).toHaveText('{"expression":"12 * (3 + 4)"}')
  await expect(tool).toHaveAttribute('data-state', 'output-available')
  await expect(tool.getByTestId('tool-output')).toContainText('"result": "84"')
  await expect(answer(page)).toContainText('12 * (3 + 4) = 84.')
  await expect(page.getByTestId('message-assistant').getByTestId('part-reasoning').first()).toContainText('calculate')
})

test('Stop ends the generation on the server and keeps the partial answer', async ({ page, request }) => {
  await page.goto('/chat')
  const chatId = await ask(page, 'Tell me a long story')
  await expect(answer(page)).toHaveText(/\w+ \w+ \w+/)
  expect(await runningGenerations(request)).toBe(1)
  await page.getByTestId('chat-stop').click()
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'ready')
  await expect(page.getByTestId('message-stopped')).toBeVisible()
  expect(await runningGenerations(request)).toBe(0)
  expect(await activeGeneration(request, chatId)).toBeNull()
  const partial = (await answer(page).textContent())!
  // What the server stored is what the page shows.
  await page.reload()
  await expect(answer(page)).toHaveText(partial)
  await expect(page.getByTestId('message-stopped')).toBeVisible()
})
