import { gunzipSync } from 'node:zlib'
import { readFile } from 'node:fs/promises'
import { expect, test } from '@playwright/test'

/** The /durable page: live watching, reload-and-resume, list and filters, downloads, delete. */

function lineNumbers(text: string): number[] {
  return [...text.matchAll(/line (\d+) of 240/g)].map((m) => Number(m[1]))
}

test('a log stream is watched live, and a reload resumes from the saved offset without gaps or duplicates', async ({ page, request }) => {
  await page.goto('/durable')
  await page.getByTestId('producer-logs').click()
  const viewer = page.getByTestId('viewer')
  await expect(viewer).toHaveAttribute('data-stream-id', /^logs\//)
  const id = (await viewer.getAttribute('data-stream-id'))!
  const content = page.getByTestId('viewer-content')
  await expect(content).toContainText('line 3 of 240')
  await expect(page.getByTestId('viewer-state')).toHaveText('live')

  // It streamed: the first lines are on screen while the producer is still writing on the server.
  const head = await request.head(`/v1/stream/${id}`)
  expect(head.status()).toBe(200)
  expect(head.headers()['stream-closed']).toBeUndefined()
  expect(await (await request.get(`/v1/stream/${id}`)).text()).not.toContain('line 240 of 240')

  const before = lineNumbers((await content.textContent()) ?? '')
  const offsetBefore = await page.getByTestId('viewer-offset').textContent()
  await page.reload()
  await expect(page.getByTestId('viewer-resumed')).toContainText('Resumed after a reload from saved offset')
  await expect(content).toContainText(`line ${before.at(-1)! + 4} of 240`)
  expect(await page.getByTestId('viewer-offset').textContent()).not.toBe(offsetBefore)

  const after = lineNumbers((await content.textContent()) ?? '')
  expect(after.length).toBeGreaterThan(before.length)
  expect(after).toEqual(Array.from({ length: after.length }, (_, i) => i + 1)) // 1..n: no gap, no duplicate
})

test('a CSV export is listed and filtered, downloads plain and gzip, and can be deleted', async ({ page, request }) => {
  await page.goto('/durable')
  await page.getByTestId('producer-export').click()
  const viewer = page.getByTestId('viewer')
  await expect(viewer).toHaveAttribute('data-stream-id', /^export\//)
  const id = (await viewer.getAttribute('data-stream-id'))!
  await expect(page.getByTestId('viewer-state')).toHaveText('closed', { timeout: 30_000 })
  await expect(page.getByTestId('viewer-content')).toContainText('99999,Tim 99999,tim.99999@example.com')
  await expect(page.getByTestId('viewer-bytes')).toContainText('MB')

  await page.getByTestId('filter-namespace').fill('export')
  await page.getByTestId('filter-metadata').fill('demo=csv-export')
  await expect(page.locator(`[data-testid="stream-row"][data-id="${id}"]`)).toContainText('closed')
  await page.getByTestId('filter-metadata').fill('demo=logs')
  await expect(page.getByTestId('list-total')).toHaveText('0')

  const plain = page.waitForEvent('download')
  await page.getByTestId('viewer-download').click()
  const csv = (await readFile((await (await plain).path())!)).toString()
  expect(csv.split('\n')[0]).toBe('id,name,email,created')
  expect(csv.trimEnd().split('\n')).toHaveLength(100_001)

  const gz = page.waitForEvent('download')
  await page.getByTestId('viewer-download-gz').click()
  const download = await gz
  expect(download.suggestedFilename()).toMatch(/\.csv\.gz$/)
  const compressed = await readFile((await download.path())!)
  expect(compressed.byteLength).toBeLessThan(csv.length / 3)
  expect(gunzipSync(compressed).toString()).toBe(csv)

  await page.getByTestId('viewer-delete').click()
  await expect(page.getByTestId('viewer')).toHaveCount(0)
  expect((await request.get(`/v1/stream/${id}`)).status()).toBe(404)
})

test('the list pages through streams 20 at a time', async ({ page }) => {
  const run = `r${Date.now()}`
  // The list shows the visitor's own streams: create them with the page's identity (its cookie,
  // given by the list it loads first).
  await page.goto('/durable')
  // The identity comes with the list's first answer: wait for the cookie before creating.
  await expect.poll(async () => (await page.context().cookies()).some((c) => c.name === 'sluice_visitor')).toBe(true)
  for (let i = 0; i < 25; i++) {
    const res = await page.request.post('/api/durable', {
      data: { namespace: 'pages', contentType: 'text/plain', metadata: { run, i: String(i) } },
    })
    expect(res.status()).toBe(201)
  }
  await page.reload()
  await page.getByTestId('filter-namespace').fill('pages')
  await page.getByTestId('filter-metadata').fill(`run=${run}`)
  await expect(page.getByTestId('list-total')).toHaveText('25')
  await expect(page.getByTestId('stream-row')).toHaveCount(20)
  await expect(page.getByTestId('list-page')).toHaveText('page 1 of 2')
  await page.getByTestId('list-next').click()
  await expect(page.getByTestId('stream-row')).toHaveCount(5)
  await expect(page.getByTestId('list-page')).toHaveText('page 2 of 2')
  await expect(page.getByTestId('list-next')).toBeDisabled()
})

/** The page's identity: the list's first answer sets it; streams made before it would be nobody's. */
async function withIdentity(page: import('@playwright/test').Page) {
  await page.goto('/durable')
  await expect.poll(async () => (await page.context().cookies()).some((c) => c.name === 'sluice_visitor')).toBe(true)
  await expect(page.getByTestId('list-live')).toHaveAttribute('data-state', 'live')
}

const row = (page: import('@playwright/test').Page, id: string) => page.locator(`[data-testid="stream-row"][data-id="${id}"]`)

test('a stream created from the form takes every option, is written to and closed from the page, and the list follows it live', async ({
  page,
}) => {
  await withIdentity(page)
  const run = `r${Date.now()}`
  const name = `form-${run}`
  await page.getByTestId('create-namespace').fill('formtest')
  await page.getByTestId('create-name').fill(name)
  await page.getByTestId('create-content-type').fill('text/csv')
  await page.getByTestId('create-compress').check()
  for (let i = 0; i < 3; i++) await page.getByTestId('meta-add').click()
  await page.getByTestId('meta-key').nth(0).fill('owner')
  await page.getByTestId('meta-value').nth(0).fill('e2e')
  await page.getByTestId('meta-key').nth(1).fill('dropped')
  await page.getByTestId('meta-value').nth(1).fill('x')
  await page.getByTestId('meta-key').nth(2).fill('run')
  await page.getByTestId('meta-value').nth(2).fill(run)
  await page.getByTestId('meta-remove').nth(1).click()
  await page.getByTestId('expiry-ttl').check()
  await page.getByTestId('create-ttl').fill('3600')
  await page.getByTestId('create-submit').click()

  const id = `formtest/${name}`
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-stream-id', id)
  // Each option took effect, as the API reports it.
  const info = await (await page.request.get(`/api/durable/${id}`)).json()
  expect(info).toMatchObject({
    id,
    namespace: 'formtest',
    contentType: 'text/csv',
    compressed: true,
    closed: false,
    sizeBytes: 0,
    metadata: { owner: 'e2e', run },
    yours: true,
  })
  expect(Object.keys(info.metadata)).toEqual(['owner', 'run'])
  const lifetime = Date.parse(info.expiresAt) - Date.parse(info.createdAt)
  expect(lifetime).toBeGreaterThan(3_590_000)
  expect(lifetime).toBeLessThanOrEqual(3_600_000)
  // The list shows it without a reload: the server pushed it.
  await expect(row(page, id)).toContainText('open (incomplete)')

  // Written from the box: the offset the append returned, the text in the viewer, the size in the list.
  await page.getByTestId('append-text').fill('name,n')
  await page.getByTestId('append-submit').click()
  await expect(page.getByTestId('append-offset')).toHaveText('0000000000000000_0000000000000007')
  await expect(page.getByTestId('viewer-content')).toHaveText('name,n\n')
  await expect(row(page, id).getByTestId('stream-size')).toHaveAttribute('data-bytes', '7')

  // Written outside the page (a plain HTTP client with the same identity, as curl with the jar):
  // the list and the viewer follow, still without a reload.
  const outside = await page.request.post(`/v1/stream/${id}`, { headers: { 'Content-Type': 'text/csv' }, data: 'a,1\n' })
  expect(outside.status()).toBe(204)
  await expect(row(page, id).getByTestId('stream-size')).toHaveAttribute('data-bytes', '11')
  await expect(page.getByTestId('viewer-content')).toHaveText('name,n\na,1\n')

  await page.getByTestId('append-close').click()
  await expect(page.getByTestId('viewer-state')).toHaveText('closed')
  await expect(row(page, id).getByTestId('stream-state')).toHaveText('closed')
  await expect(page.getByTestId('append')).toHaveCount(0)
  await expect(page.getByTestId('append-unavailable')).toContainText('Closed')
  expect((await (await page.request.get(`/api/durable/${id}`)).json()).closed).toBe(true)
  expect((await page.request.post(`/v1/stream/${id}`, { headers: { 'Content-Type': 'text/csv' }, data: 'late\n' })).status()).toBe(409)

  // Created and deleted outside the page: the list follows that too.
  const made = await page.request.post('/api/durable', { data: { namespace: 'formtest', metadata: { run } } })
  const other = ((await made.json()) as { id: string }).id
  await expect(row(page, other)).toBeVisible()
  expect((await page.request.delete(`/api/durable/${other}`)).status()).toBe(204)
  await expect(row(page, other)).toHaveCount(0)
})

test('the form shows the server’s refusals by their field, takes an expiry date, and writes JSON to a JSON stream', async ({ page }) => {
  await withIdentity(page)
  const name = `taken-${Date.now()}`
  expect((await page.request.post('/api/durable', { data: { namespace: 'formtest', name } })).status()).toBe(201)

  // Checked in the page with the server's own schema: a bad namespace never leaves it.
  await page.getByTestId('create-namespace').fill('Not Valid')
  await page.getByTestId('create-submit').click()
  await expect(page.getByTestId('create-form').getByRole('alert')).toHaveText(/a namespace is 1–63 lower-case letters/)

  // Refused by the server, shown by the field: a name taken, a TTL under a minute.
  await page.getByTestId('create-namespace').fill('formtest')
  await page.getByTestId('create-name').fill(name)
  await page.getByTestId('create-submit').click()
  await expect(page.getByTestId('create-form').getByRole('alert')).toHaveText(
    `A stream formtest/${name} already exists: choose another name`,
  )
  await page.getByTestId('create-name').fill('')
  await page.getByTestId('expiry-ttl').check()
  await page.getByTestId('create-ttl').fill('30')
  await page.getByTestId('create-submit').click()
  await expect(page.getByTestId('create-form').getByRole('alert')).toContainText(
    'ttl must be omitted (30 days), null or 0 (never expires), or whole seconds from 60',
  )

  // An expiry date, and a JSON stream.
  const at = new Date(Date.now() + 2 * 86_400_000)
  at.setSeconds(0, 0)
  const local = new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
  await page.getByTestId('expiry-at').check()
  await page.getByTestId('create-expires-at').fill(local)
  await page.getByTestId('create-content-type').fill('application/json')
  await page.getByTestId('create-submit').click()
  await expect(page.getByTestId('create-done')).toBeVisible()
  const id = (await page.getByTestId('viewer').getAttribute('data-stream-id'))!
  expect(id).toMatch(/^formtest\/[A-Za-z0-9_-]{22}$/)
  const info = await (await page.request.get(`/api/durable/${id}`)).json()
  expect(info).toMatchObject({ contentType: 'application/json', expiresAt: at.toISOString(), compressed: false, metadata: {} })

  await page.getByTestId('append-text').fill('{"n": 1')
  await page.getByTestId('append-submit').click()
  await expect(page.getByTestId('append-error')).toContainText('Not valid JSON')
  await page.getByTestId('append-text').fill('[{"n":1},{"n":2}]')
  await page.getByTestId('append-submit').click()
  await expect(page.getByTestId('append-offset')).toBeVisible()
  await expect(page.getByTestId('viewer-content')).toHaveText('{"n":1}\n{"n":2}\n')
  expect(await (await page.request.get(`/v1/stream/${id}`)).json()).toEqual([{ n: 1 }, { n: 2 }])
})

test('a stream that is not the visitor’s has no write box, and its list is not this visitor’s', async ({ page, request }) => {
  // Made by a script without a cookie: nobody owns it (the e2e server sets no streams token).
  const made = await request.post('/api/durable', { data: { namespace: 'foreign', contentType: 'text/plain' } })
  expect(made.status()).toBe(201)
  const id = ((await made.json()) as { id: string }).id
  await page.goto(`/durable?id=${encodeURIComponent(id)}`)
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-stream-id', id)
  await expect(page.getByTestId('append-unavailable')).toContainText('not yours')
  await expect(page.getByTestId('append')).toHaveCount(0)
  await expect(page.getByTestId('list-live')).toHaveAttribute('data-state', 'live')
  await expect(row(page, id)).toHaveCount(0)
  // The browser hint for the viewer's stream names its events.
  await expect(page.getByTestId('sse-hint').last()).toContainText("es.addEventListener('control'")
})

test('a stream made from the form before the list has answered is still the visitor’s', async ({ page }) => {
  // The identity cookie comes with the page's first API answer, usually the list's. Hold the list
  // back (every live-list request fails): the form must get an identity itself before creating.
  await page.route(/\/api\/durable\?.*live=sse/, (route) => route.abort())
  await page.goto('/durable')
  await expect(page.getByTestId('list-live')).toHaveAttribute('data-state', 'off')
  expect((await page.context().cookies()).some((c) => c.name === 'sluice_visitor')).toBe(false)
  await page.getByTestId('create-submit').click()
  await expect(page.getByTestId('create-done')).toBeVisible()
  await expect(page.getByTestId('append')).toBeVisible()
  const id = (await page.getByTestId('viewer').getAttribute('data-stream-id'))!
  expect((await (await page.request.get(`/api/durable/${id}`)).json()).yours).toBe(true)
})

test('a filter that matches nothing says so in a sentence, not with bare table headers', async ({ page }) => {
  await withIdentity(page)
  await page.getByTestId('filter-namespace').fill(`nothing-${Date.now()}`)
  await expect(page.getByTestId('list-total')).toHaveText('0')
  await expect(page.getByTestId('list-empty')).toHaveText('No stream of yours matches this filter. Clear it to see them all.')
  await expect(page.getByTestId('stream-list')).toBeHidden()
})
