import { expect, type APIRequestContext, type Page } from '@playwright/test'

/** The server's open streams of one kind, from `/api/health`. */
export async function activeStreams(request: APIRequestContext, kind: string): Promise<number> {
  const res = await request.get('/api/health')
  const body = (await res.json()) as { activeByKind: Record<string, number> }
  return body.activeByKind[kind] ?? 0
}

/** Sends `text` in the chat page and returns the chat's id once the URL has moved to it. */
export async function askInChat(page: Page, text: string): Promise<string> {
  await page.getByTestId('chat-input').fill(text)
  await page.getByTestId('chat-send').click()
  await expect(page).toHaveURL(/\/chat\/[\w-]+$/)
  return (await page.getByTestId('chat').getAttribute('data-chat-id'))!
}

/** The text of the last assistant message on the chat page. */
export const lastAnswer = (page: Page) => page.getByTestId('message-assistant').last().getByTestId('part-text')
