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
    await expect(page.getByTestId('curl-command'), `${href} shows a curl command`).toBeVisible()
  }
})

test('unknown API routes answer a JSON 404', async ({ request }) => {
  const res = await request.get('/api/nothing-here')
  expect(res.status()).toBe(404)
  expect(await res.json()).toMatchObject({ error: { code: 'not_found:route' } })
})
