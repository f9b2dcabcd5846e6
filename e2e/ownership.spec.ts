import { writeFile } from 'node:fs/promises'
import { expect, test } from '@playwright/test'
import { askInChat } from './support'

/**
 * docs/security.md in two browsers: the first visitor chats, uploads and imports; the second
 * sees none of it in its own lists, cannot delete or change it, and opens a shared chat link
 * read-only. Two browser contexts are two visitors (two cookie jars).
 */
test('a second visitor sees none of the first one’s data and gets shared links read-only', async ({ browser }, testInfo) => {
  const first = await browser.newContext()
  const second = await browser.newContext()
  try {
    const a = await first.newPage()
    // A chat…
    await a.goto('/chat')
    const chatId = await askInChat(a, 'What is 6 * 7?')
    await expect(a.getByTestId('chat')).toHaveAttribute('data-status', 'ready')
    // …an upload…
    const name = `mine-${Date.now()}.txt`
    const file = testInfo.outputPath(name)
    await writeFile(file, 'only for the first visitor\n')
    await a.goto('/uploads')
    await a.getByTestId('upload-input').setInputFiles(file)
    await expect(a.locator(`[data-testid="stored-upload"][data-name="${name}"]`)).toBeVisible()
    // …and an import.
    await a.goto('/jobs')
    await a.getByTestId('import-rows').fill('200')
    await a.getByTestId('import-start').click()
    await expect(a.getByTestId('import-result')).toHaveAttribute('data-outcome', 'complete', { timeout: 30_000 })
    const jobId = (await a.getByTestId('import-job-id').textContent())!.trim()
    expect((await a.request.get(`/api/jobs/import/${jobId}`)).status()).toBe(200)

    const b = await second.newPage()
    await b.goto('/chat')
    await expect(b.getByTestId('chat')).toBeVisible()
    await expect(b.locator(`[data-testid="chat-list-item"][href="/chat/${chatId}"]`)).toHaveCount(0)
    await b.goto('/uploads')
    await expect(b.getByTestId('upload-input')).toBeAttached()
    await expect(b.locator(`[data-testid="stored-upload"][data-name="${name}"]`)).toHaveCount(0)

    // The API refuses the second visitor what belongs to the first (the page's own cookie).
    expect((await b.request.delete(`/api/chats/${chatId}`)).status()).toBe(403)
    expect((await b.request.delete(`/api/uploads/${name}`)).status()).toBe(403)
    expect((await b.request.get(`/api/uploads/${name}`)).status()).toBe(403)
    expect((await b.request.get(`/api/jobs/import/${jobId}`)).status()).toBe(403)

    // A shared chat link opens read-only: the conversation, no composer.
    await b.goto(`/chat/${chatId}`)
    await expect(b.getByTestId('message-assistant').last()).toContainText('42')
    await expect(b.getByTestId('chat-read-only')).toBeVisible()
    await expect(b.getByTestId('chat-input')).toHaveCount(0)
    // The owner still has it all, and the composer.
    await a.goto(`/chat/${chatId}`)
    await expect(a.getByTestId('chat-input')).toBeVisible()
    await expect(a.locator(`[data-testid="chat-list-item"][href="/chat/${chatId}"]`)).toHaveCount(1)
    await a.goto('/uploads')
    await expect(a.locator(`[data-testid="stored-upload"][data-name="${name}"]`)).toBeVisible()
  } finally {
    await first.close()
    await second.close()
  }
})
