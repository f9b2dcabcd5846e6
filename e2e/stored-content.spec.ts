import { expect, test, type APIResponse, type Page } from '@playwright/test'

/**
 * Stored bytes never run in Sluice's origin: a durable stream that holds HTML or SVG with a
 * script, opened in the browser, renders sandboxed (its script does not run), while the very same
 * markup served as a page of this origin does run — so the probe itself is shown to work.
 */
const unique = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`

/** Markup whose script, if it runs, renames the document and calls the server (`/api/health?xss=<tag>`). */
const html = (tag: string) =>
  `<!doctype html><html><head><title>inert</title></head><body><p>stored</p><script>document.title = 'ran'; fetch('/api/health?xss=${tag}')</script></body></html>`
const svg = (tag: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>fetch('/api/health?xss=${tag}')</script><rect width="10" height="10"/></svg>`

const storedContentHeaders = (res: APIResponse | { headers(): Record<string, string> }) => {
  const headers = res.headers()
  expect(headers['x-content-type-options']).toBe('nosniff')
  expect(headers['content-security-policy']).toContain("default-src 'none'")
  expect(headers['content-security-policy']).toContain('sandbox')
}

/** Opens `url` and reports whether the probe's request reached the server side of the browser. */
async function probe(page: Page, url: string, tag: string): Promise<{ ran: boolean; title: string }> {
  let ran = false
  page.on('request', (request) => {
    if (request.url().includes(`xss=${tag}`)) ran = true
  })
  const res = await page.goto(url)
  expect(res?.status()).toBe(200)
  await page.waitForLoadState('load')
  await page.waitForTimeout(500) // time for a script's fetch to go out, had it run
  return { ran, title: await page.title() }
}

test.describe('stored content', () => {
  test('an HTML stream opened in the browser does not run its script', async ({ page, request, baseURL }) => {
    const tag = `html-${unique()}`
    const path = `/v1/stream/e2e/stored-${tag}`
    const created = await request.put(path, { headers: { 'Content-Type': 'text/html' }, data: html(tag) })
    expect(created.status()).toBe(201)

    // The probe works: the same markup from this origin runs (served by the browser's router, not the app).
    await page.route('**/probe-control-html', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: html(`${tag}-control`) }),
    )
    expect(await probe(page, `${baseURL}/probe-control-html`, `${tag}-control`)).toEqual({ ran: true, title: 'ran' })

    const stored = await probe(page, `${path}?offset=-1`, tag)
    expect(stored.ran, 'the stored script ran').toBe(false)
    expect(stored.title, 'rendered as HTML, without running its script').toBe('inert')
  })

  test('an SVG stream opened in the browser does not run its script', async ({ page, request, baseURL }) => {
    const tag = `svg-${unique()}`
    const path = `/v1/stream/e2e/stored-${tag}`
    expect((await request.put(path, { headers: { 'Content-Type': 'image/svg+xml' }, data: svg(tag) })).status()).toBe(201)

    await page.route('**/probe-control-svg', (route) =>
      route.fulfill({ status: 200, contentType: 'image/svg+xml', body: svg(`${tag}-control`) }),
    )
    expect((await probe(page, `${baseURL}/probe-control-svg`, `${tag}-control`)).ran).toBe(true)

    expect((await probe(page, `${path}?offset=-1`, tag)).ran, 'the stored script ran').toBe(false)
  })

  test('every response serving stored bytes is nosniff and sandboxed', async ({ request }) => {
    const tag = `modes-${unique()}`
    const path = `/v1/stream/e2e/stored-${tag}`
    // Closed at creation, so that long-poll and SSE answer at once instead of waiting.
    const created = await request.put(path, { headers: { 'Content-Type': 'text/html', 'Stream-Closed': 'true' }, data: html(tag) })
    expect(created.status()).toBe(201)
    storedContentHeaders(created)
    for (const query of ['?offset=-1', '?offset=-1&live=long-poll', '?offset=-1&live=sse', '?download']) {
      const res = await request.get(`${path}${query}`)
      expect(res.status(), query).toBeLessThan(300)
      storedContentHeaders(res)
    }
    storedContentHeaders(await request.head(path))
    storedContentHeaders(await request.get('/v1/stream/e2e/no-such-stream'))

    const upload = await request.put(`/api/uploads/stored-${tag}.html`, { headers: { Accept: 'application/json' }, data: html(tag) })
    expect(upload.status()).toBe(201)
    storedContentHeaders(await request.get(`/api/uploads/stored-${tag}.html`))

    await request.post('/api/jobs/export/table', { data: { rows: 10 } })
    const exported = await request.get('/api/jobs/export?format=csv&limit=5')
    expect(exported.status()).toBe(200)
    storedContentHeaders(exported)
  })
})
