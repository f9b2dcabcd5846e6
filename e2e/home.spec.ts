import { expect, test } from '@playwright/test'
import { demos } from '../lib/demos'

test('the home page lists every demo and each link opens its page', async ({ page }) => {
  await page.goto('/')
  const links = page.getByTestId('demo-list').getByRole('link')
  // Every demo of lib/demos.ts, in its order: a missing or extra link fails.
  const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')!))
  expect(hrefs).toEqual(demos.map((d) => d.href))
  for (const href of hrefs) {
    const res = await page.goto(href)
    expect(res?.status(), href).toBe(200)
    // A page may show several (one per action, e.g. /durable' create form): the first one is the demo's.
    await expect(page.getByTestId('curl-command').first(), `${href} shows a curl command`).toBeVisible()
  }
})

test('unknown API routes answer a JSON 404', async ({ request }) => {
  const res = await request.get('/api/nothing-here')
  expect(res.status()).toBe(404)
  expect(await res.json()).toMatchObject({ error: { code: 'not_found:route' } })
})

test('the nav marks the page you are on, and only that one', async ({ page }) => {
  for (const demo of [demos.at(0)!, demos.at(-1)!]) {
    await page.goto(demo.href)
    const nav = page.getByRole('navigation', { name: 'Main' })
    await expect(nav.locator('[aria-current="page"]')).toHaveCount(1)
    await expect(nav.locator('[aria-current="page"]')).toHaveAttribute('href', demo.href)
  }
})

test('an unknown page is a 404 in words with the demos, and every page has a favicon', async ({ page, request }) => {
  const res = await page.goto('/no-such-page')
  expect(res?.status()).toBe(404)
  await expect(page.getByRole('heading', { name: 'Nothing here' })).toBeVisible()
  await expect(page.getByRole('main').getByRole('link')).toHaveCount(demos.length)
  const icon = await page.locator('link[rel="icon"]').first().getAttribute('href')
  expect(icon).toBeTruthy()
  const served = await request.get(icon!)
  expect(served.status()).toBe(200)
  expect(served.headers()['content-type']).toContain('image/svg+xml')
})

test('a chat nobody has is a 404 that says so and offers a new chat', async ({ page }) => {
  const res = await page.goto('/chat/no-such-chat-here')
  expect(res?.status()).toBe(404)
  await expect(page.getByRole('heading', { name: 'Chat not found' })).toBeVisible()
  await page.getByRole('link', { name: 'Start a new chat' }).click()
  await expect(page).toHaveURL(/\/chat$/)
})
