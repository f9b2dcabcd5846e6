import { expect, test, type APIRequestContext } from '@playwright/test'
import { askInChat, lastAnswer } from './support'

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

test('tokens appear while the server is still generating, and the model is named', async ({ page, request }) => {
  await page.goto('/chat')
  await expect(page.getByTestId('chat-model')).toHaveText(/Offline model \(sluice-offline-1/)
  const chatId = await askInChat(page, 'Tell me a long story about streams')
  // The first words are on screen...
  await expect(lastAnswer(page)).toHaveText(/\w+ \w+ \w+/)
  const early = (await lastAnswer(page).textContent())!
  // ...while the server has not finished producing the answer.
  expect(await activeGeneration(request, chatId)).not.toBeNull()
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 })
  const full = (await lastAnswer(page).textContent())!
  expect(full.startsWith(early)).toBe(true)
  expect(full.length).toBeGreaterThan(early.length)
  await expect.poll(() => activeGeneration(request, chatId)).toBeNull()
})

test('a tool call renders its input, then its result, and the answer continues', async ({ page }) => {
  await page.goto('/chat')
  await askInChat(page, 'What is 12 * (3 + 4)?')
  const tool = page.getByTestId('tool-call')
  await expect(tool).toHaveAttribute('data-tool', 'calculate')
  await expect(tool.getByTestId('tool-input')).toHaveText('{"expression":"12 * (3 + 4)"}')
  await expect(tool).toHaveAttribute('data-state', 'output-available')
  await expect(tool.getByTestId('tool-output')).toContainText('"result": "84"')
  await expect(lastAnswer(page)).toContainText('12 * (3 + 4) = 84.')
  await expect(page.getByTestId('message-assistant').getByTestId('part-reasoning').first()).toContainText('calculate')
  // The new chat joins the list of past chats, and reopening it shows its history.
  const item = page.getByTestId('chat-list-item').filter({ hasText: 'What is 12 * (3 + 4)?' })
  await expect(item).toHaveCount(1)
  await page.goto('/chat')
  await page.getByTestId('chat-list-item').filter({ hasText: 'What is 12 * (3 + 4)?' }).click()
  await expect(lastAnswer(page)).toContainText('12 * (3 + 4) = 84.')
  await expect(page.getByTestId('tool-call')).toHaveAttribute('data-state', 'output-available')
})

test('Stop ends the generation on the server and keeps the partial answer', async ({ page, request }) => {
  await page.goto('/chat')
  const chatId = await askInChat(page, 'Tell me a long story')
  await expect(lastAnswer(page)).toHaveText(/\w+ \w+ \w+/)
  expect(await runningGenerations(request)).toBe(1)
  await page.getByTestId('chat-stop').click()
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'ready')
  await expect(page.getByTestId('message-stopped')).toBeVisible()
  await expect.poll(() => runningGenerations(request)).toBe(0)
  await expect.poll(() => activeGeneration(request, chatId)).toBeNull()
  const partial = (await lastAnswer(page).textContent())!
  // What the server stored is what the page shows.
  await page.reload()
  await expect(lastAnswer(page)).toHaveText(partial)
  await expect(page.getByTestId('message-stopped')).toBeVisible()
})

test('reload mid-answer continues from storage with the same text as an uninterrupted run', async ({ page, request }) => {
  const prompt = 'Tell me a long story about durable streams'
  // The uninterrupted answer to the same conversation (the offline model is deterministic).
  await page.goto('/chat')
  await askInChat(page, prompt)
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 })
  const uninterrupted = (await lastAnswer(page).textContent())!

  await page.goto('/chat')
  const chatId = await askInChat(page, prompt)
  await expect(lastAnswer(page)).toHaveText(/(\w+ ){5}/)
  const generation = await activeGeneration(request, chatId)
  expect(generation).not.toBeNull()
  await page.reload()
  // Reattached to the same generation: still running on the server, text continuing on screen.
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'streaming')
  expect(await activeGeneration(request, chatId)).toBe(generation)
  expect(await runningGenerations(request)).toBe(1) // the reload did not start a second one
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 })
  await expect(lastAnswer(page)).toHaveText(uninterrupted)
  await expect(page.getByTestId('message-assistant')).toHaveCount(1)
})

test('a second tab watches the same answer live', async ({ page, context, request }) => {
  await page.goto('/chat')
  const chatId = await askInChat(page, 'Tell me a long story about second tabs')
  await expect(lastAnswer(page)).toHaveText(/\w+ \w+/)
  const second = await context.newPage()
  await second.goto(`/chat/${chatId}`)
  await expect(second.getByTestId('chat')).toHaveAttribute('data-status', 'streaming')
  expect(await activeGeneration(request, chatId)).not.toBeNull()
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 })
  await expect(second.getByTestId('chat')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 })
  expect(await lastAnswer(second).textContent()).toBe(await lastAnswer(page).textContent())
})

test('Stop works on an answer resumed after a reload', async ({ page, request }) => {
  await page.goto('/chat')
  const chatId = await askInChat(page, 'Tell me a long story about stopping')
  await expect(lastAnswer(page)).toHaveText(/\w+ \w+/)
  await page.reload()
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'streaming')
  await expect(lastAnswer(page)).toHaveText(/(\w+ ){3}/)
  await page.getByTestId('chat-stop').click()
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'ready')
  await expect(page.getByTestId('message-stopped')).toBeVisible()
  await expect.poll(() => activeGeneration(request, chatId)).toBeNull()
  await expect.poll(() => runningGenerations(request)).toBe(0)
  const partial = (await lastAnswer(page).textContent())!
  await page.reload()
  await expect(lastAnswer(page)).toHaveText(partial)
})

test('moderation replaces a sentence while streaming and says so', async ({ page }) => {
  await page.goto('/chat')
  await page.getByTestId('moderation-toggle').check()
  await askInChat(page, 'Repeat after me: Here is the card. It is 4111 1111 1111 1111. Keep it safe.')
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'ready')
  await expect(lastAnswer(page)).toHaveText('Here is the card. [Content filtered] Keep it safe.')
  await expect(lastAnswer(page).getByTestId('filtered')).toHaveCount(1)
  await expect(page.getByTestId('message-moderated')).toHaveText('Moderation filtered 1 sentence.')
})

test('a model error is shown in the conversation with a retry, and the partial text stays', async ({ page, request }) => {
  await page.goto('/chat')
  const chatId = await askInChat(page, '/fail midstream')
  await expect(page.getByTestId('chat-error')).toContainText('unavailable:model_stream')
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'error')
  const partial = (await lastAnswer(page).textContent())!
  expect(partial.split(' ').length).toBeGreaterThan(5)
  const failedId = (await page.getByTestId('message-assistant').getAttribute('data-message-id'))!

  // Retry's request is held until the page has shown that it started over; every POST is counted.
  const posts: unknown[] = []
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  await page.route('**/api/chat', async (route) => {
    if (route.request().method() !== 'POST') return route.continue()
    posts.push(route.request().postDataJSON())
    await released
    await route.continue()
  })
  const retried = page.waitForResponse((r) => r.url().endsWith('/api/chat') && r.request().method() === 'POST')
  await page.getByTestId('chat-retry').click()
  await expect.poll(() => posts.length, { message: 'Retry sends a request' }).toBe(1)
  expect(posts[0]).toMatchObject({ id: chatId, trigger: 'regenerate-message' })
  // While it is on its way, the failed answer and its error are gone from the page.
  await expect(page.getByTestId('chat-error')).toHaveCount(0)
  await expect(page.getByTestId('message-assistant')).toHaveCount(0)
  release()
  const response = await retried
  expect(response.status()).toBe(200)

  // The offline model fails this prompt every time: the retry ran (a new answer, same error).
  await expect(page.getByTestId('chat-error')).toContainText('unavailable:model_stream')
  await expect(page.getByTestId('message-assistant')).toHaveCount(1)
  // The answer on the page is the retried one, not the failed one left in place: a new message,
  // the one the server stored for this chat, with the (deterministic) same words.
  const answer = page.getByTestId('message-assistant')
  await expect(answer).not.toHaveAttribute('data-message-id', failedId)
  const retriedId = await answer.getAttribute('data-message-id')
  const storedIds = async () =>
    ((await (await request.get(`/api/chats/${chatId}`)).json()) as { messages: Array<{ id: string }> }).messages.map((m) => m.id)
  await expect
    .poll(storedIds, { message: 'the server stores the retried answer in place of the failed one' })
    .toEqual([expect.any(String), retriedId])
  await expect(lastAnswer(page)).toHaveText(partial)
  expect(posts).toHaveLength(1)
})

test('without a key the proxy page says so, and the proxy answers 503 in the error shape', async ({ page, request }) => {
  await page.goto('/proxy')
  await expect(page.getByTestId('proxy-unconfigured')).toBeVisible()
  const res = await request.post('/api/proxy/openai', { data: { model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] } })
  expect(res.status()).toBe(503)
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unavailable:proxy')
  await page.getByTestId('proxy-send').click()
  await expect(page.getByTestId('proxy-status')).toHaveText('HTTP 503')
})
