import { expect, test, type Page } from '@playwright/test'
import { activeStreams as running } from './support'

/** The card of one endpoint on /typed. */
const card = (page: Page, name: string) => page.getByTestId(`typed-${name}`)

test.describe('the typed endpoints catalogue', () => {
  test('lists every endpoint with its schemas, collapsed until opened, and a curl that follows the form', async ({ page, request }) => {
    await page.goto('/typed')
    const catalogue = (await (await request.get('/api/typed')).json()) as { endpoints: Array<{ name: string }> }
    expect(catalogue.endpoints.map((e) => e.name)).toEqual(['import', 'answer', 'countdown'])
    for (const { name } of catalogue.endpoints) await expect(card(page, name)).toBeVisible()

    const inputSchema = card(page, 'countdown').getByTestId('typed-countdown-schema-input')
    await expect(inputSchema.locator('pre')).toBeHidden()
    await inputSchema.locator('summary').click()
    await expect(inputSchema).toContainText('from: integer, 1–1000, default 5')
    await expect(inputSchema.locator('pre')).toContainText('"maximum": 1000')

    await card(page, 'countdown').getByTestId('typed-countdown-field-from').fill('7')
    await expect(page.getByTestId('typed-countdown-curl')).toContainText(`-d '{"from":7,"delayMs":500}'`)
  })

  test('countdown: each number shows while the server is still counting, then the final value', async ({ page, request }) => {
    await page.goto('/typed')
    const countdown = card(page, 'countdown')
    await countdown.getByTestId('typed-countdown-field-from').fill('5')
    await countdown.getByTestId('typed-countdown-field-delayMs').fill('600')
    await countdown.getByTestId('typed-countdown-start').click()

    await expect(countdown.getByTestId('typed-countdown-chunks')).toContainText('{"n":5}')
    await expect(countdown.getByTestId('typed-countdown-status')).toHaveText('streaming')
    expect(await running(request, 'stream:countdown')).toBe(1) // the handler has not produced the last one yet
    await expect(countdown.getByTestId('typed-countdown-chunks')).not.toContainText('{"n":1}')

    await expect(countdown.getByTestId('typed-countdown-final')).toHaveAttribute('data-outcome', 'complete', { timeout: 15_000 })
    await expect(countdown.getByTestId('typed-countdown-final')).toContainText('"sent": 5')
    await expect(countdown.getByTestId('typed-countdown-frames').locator('li').last()).toHaveText('complete #6')
  })

  test('answer: tokens arrive live, Cancel stops the model and keeps the answer so far', async ({ page, request }) => {
    await page.goto('/typed')
    const answer = card(page, 'answer')
    await answer.getByTestId('typed-answer-field-prompt').fill('Tell me a long story about streams')
    await answer.getByTestId('typed-answer-start').click()

    await expect(answer.getByTestId('typed-answer-text')).not.toBeEmpty()
    await expect(answer.getByTestId('typed-answer-status')).toHaveText('streaming')
    expect(await running(request, 'stream:answer')).toBe(1)
    const partial = await answer.getByTestId('typed-answer-text').textContent()

    await answer.getByTestId('typed-answer-cancel').click()
    await expect(answer.getByTestId('typed-answer-status')).toHaveText('cancelled')
    await expect(answer.getByTestId('typed-answer-final')).toHaveAttribute('data-outcome', 'cancelled')
    await expect(answer.getByTestId('typed-answer-final')).toContainText('"finishReason": "cancelled"')
    await expect(answer.getByTestId('typed-answer-final')).toContainText(JSON.stringify(partial).slice(1, 20))
    await expect.poll(() => running(request, 'stream:answer')).toBe(0)
  })

  test('answer: runs to the end with its reasoning, finish reason and usage', async ({ page }) => {
    await page.goto('/typed')
    const answer = card(page, 'answer')
    await answer.getByTestId('typed-answer-field-prompt').fill('Hello')
    await answer.getByTestId('typed-answer-field-reasoning').check()
    await answer.getByTestId('typed-answer-start').click()
    await expect(answer.getByTestId('typed-answer-chunks')).toContainText('"kind":"reasoning"')
    await expect(answer.getByTestId('typed-answer-reasoning')).toContainText('Hello')
    await expect(answer.getByTestId('typed-answer-final')).toHaveAttribute('data-outcome', 'complete', { timeout: 30_000 })
    await expect(answer.getByTestId('typed-answer-final')).toContainText('"finishReason": "stop"')
    await expect(answer.getByTestId('typed-answer-final')).toContainText('"outputTokens"')
    await expect(answer.getByTestId('typed-answer-chunks')).toContainText('"kind":"text"')
  })

  test('import: progress while the server imports, then the summary', async ({ page, request }) => {
    await page.goto('/typed')
    const importer = card(page, 'import')
    await expect(importer.getByTestId('typed-import-field-source')).toHaveValue('generated')
    await importer.getByTestId('typed-import-field-rows').fill('1000')
    await importer.getByTestId('typed-import-field-batchSize').fill('100')
    await importer.getByTestId('typed-import-field-delayMs').fill('300')
    await importer.getByTestId('typed-import-start').click()

    await expect(importer.getByTestId('typed-import-chunks')).toContainText('"processed":100')
    await expect(importer.getByTestId('typed-import-status')).toHaveText('streaming')
    expect(await running(request, 'stream:import')).toBe(1)
    await expect(importer.getByTestId('typed-import-final')).toHaveAttribute('data-outcome', 'complete', { timeout: 30_000 })
    await expect(importer.getByTestId('typed-import-final')).toContainText('"processed": 1000')
  })

  test('invalid input: the server’s 400 in words, no frame', async ({ page }) => {
    await page.goto('/typed')
    const countdown = card(page, 'countdown')
    await countdown.getByTestId('typed-countdown-field-from').fill('0')
    await countdown.getByTestId('typed-countdown-start').click()
    const error = countdown.getByTestId('typed-countdown-error')
    await expect(error).toContainText('bad_request:body')
    await expect(error).toContainText('from')
    await expect(error).toContainText('>=1')
    await expect(countdown.getByTestId('typed-countdown-status')).toHaveText('error')
    await expect(countdown.getByTestId('typed-countdown-frames').locator('li')).toHaveCount(0)

    // The answer without a prompt: the schema's own message.
    await card(page, 'answer').getByTestId('typed-answer-start').click()
    await expect(card(page, 'answer').getByTestId('typed-answer-error')).toContainText('Write a prompt')
  })
})
