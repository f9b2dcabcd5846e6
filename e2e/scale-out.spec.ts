import { expect, test } from '@playwright/test'
import { startBalancer, type TestBalancer } from '../test/support/balancer'
import { startRedis, type TestRedis } from '../test/support/redis'
import { startServer, type TestServer } from '../test/support/server'
import { askInChat, lastAnswer } from './support'

/**
 * Two production instances sharing one Redis, behind a load balancer (one origin) that the test
 * points at A or at B: pages served by one instance show what was written through the other,
 * live, and a reload that lands on the other instance carries on without gaps or duplicates.
 */
test.describe.configure({ mode: 'serial', timeout: 120_000 })

let redis: TestRedis
let a: TestServer
let b: TestServer
let balancer: TestBalancer
const A = 0
const B = 1

test.beforeAll(async () => {
  test.setTimeout(120_000)
  redis = await startRedis()
  const env = { REDIS_URL: redis.url, SLUICE_OFFLINE_TOKEN_MS: '25' }
  ;[a, b] = await Promise.all([startServer({ env }), startServer({ env })])
  balancer = await startBalancer([a.baseUrl, b.baseUrl])
})

test.afterAll(async () => {
  await balancer?.close()
  await Promise.all([a?.stop(), b?.stop()])
  await redis?.stop()
})

/** The pid an instance reports, which the page's instance badge shows. */
async function pidOf(server: TestServer): Promise<string> {
  return String(((await (await fetch(`${server.baseUrl}/api/health`)).json()) as { pid: number }).pid)
}

function lineNumbers(text: string): number[] {
  return [...text.matchAll(/line (\d+)\n/g)].map((m) => Number(m[1]))
}

async function append(server: TestServer, id: string, from: number, to: number): Promise<void> {
  for (let i = from; i <= to; i++) {
    const res = await fetch(`${server.baseUrl}/v1/stream/${id}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: `line ${i}\n`,
    })
    expect(res.status).toBe(204)
  }
}

test('the /durable page on B shows a stream written through A live, and a reload onto A resumes it', async ({ page }) => {
  const id = `scale/e2e-${Date.now()}`
  expect((await fetch(`${a.baseUrl}/v1/stream/${id}`, { method: 'PUT', headers: { 'Content-Type': 'text/plain' } })).status).toBe(201)
  await append(a, id, 1, 3)

  balancer.use(B)
  await page.goto(`${balancer.url}/durable?id=${encodeURIComponent(id)}`)
  const content = page.getByTestId('viewer-content')
  await expect(content).toContainText('line 3')
  await expect(page.getByTestId('viewer-state')).toHaveText('live')
  await expect(page.getByTestId('instance-badge')).toHaveAttribute('data-pid', await pidOf(b))
  await expect(page.getByTestId('instance-badge')).toContainText('Redis')
  // Live: each line appended through A appears on the page B serves, one at a time.
  for (let i = 4; i <= 6; i++) {
    await append(a, id, i, i)
    await expect(content).toContainText(`line ${i}\n`)
    expect(lineNumbers((await content.textContent()) ?? '').at(-1)).toBe(i)
  }

  // The load balancer now sends everything to A; the reload resumes from the saved offset there.
  balancer.use(A)
  const servedByA = balancer.counts[A]!
  await page.reload()
  await expect(page.getByTestId('viewer-resumed')).toContainText('Resumed after a reload from saved offset')
  expect(balancer.counts[A]!).toBeGreaterThan(servedByA)
  await expect(page.getByTestId('instance-badge')).toHaveAttribute('data-pid', await pidOf(a))
  await append(b, id, 7, 10) // written through B, read live through A
  await expect(content).toContainText('line 10\n')
  expect(lineNumbers((await content.textContent()) ?? '')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])

  expect((await fetch(`${b.baseUrl}/v1/stream/${id}`, { method: 'POST', headers: { 'Stream-Closed': 'true' } })).status).toBe(204)
  await expect(page.getByTestId('viewer-state')).toHaveText('closed')
})

/** Generations running on an instance, from its own `/api/health`. */
async function runningOn(server: TestServer): Promise<number> {
  const health = (await (await fetch(`${server.baseUrl}/api/health`)).json()) as { activeByKind: Record<string, number> }
  return health.activeByKind.generation ?? 0
}

const prompt = 'Tell me a long story about load balancers'

test('a chat answer running on A is resumed on B after a reload, with the text of an uninterrupted run', async ({ page }) => {
  balancer.use(B)
  await page.goto(`${balancer.url}/chat`)
  await askInChat(page, prompt)
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 })
  const uninterrupted = (await lastAnswer(page).textContent())!

  balancer.use(A)
  await page.goto(`${balancer.url}/chat`)
  await askInChat(page, prompt)
  await expect(lastAnswer(page)).toHaveText(/(\w+ ){5}/)
  expect(await runningOn(a)).toBe(1)

  balancer.use(B)
  const servedByB = balancer.counts[B]!
  await page.reload()
  // Served by B, reattached to the generation A runs: text keeps arriving, nothing restarts.
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'streaming')
  expect(await runningOn(a)).toBe(1)
  expect(await runningOn(b)).toBe(0)
  expect(balancer.counts[B]!).toBeGreaterThan(servedByB)
  await expect(page.getByTestId('instance-badge')).toHaveAttribute('data-pid', await pidOf(b))
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 })
  await expect(lastAnswer(page)).toHaveText(uninterrupted)
  await expect(page.getByTestId('message-assistant')).toHaveCount(1)
})

test('Stop clicked on a page served by B stops the generation running on A', async ({ page }) => {
  balancer.use(A)
  await page.goto(`${balancer.url}/chat`)
  const chatId = await askInChat(page, prompt)
  await expect(lastAnswer(page)).toHaveText(/(\w+ ){3}/)
  expect(await runningOn(a)).toBe(1)

  balancer.use(B)
  const servedByB = balancer.counts[B]!
  await page.reload()
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'streaming')
  await expect(page.getByTestId('instance-badge')).toHaveAttribute('data-pid', await pidOf(b))
  await page.getByTestId('chat-stop').click()
  await expect(page.getByTestId('chat')).toHaveAttribute('data-status', 'ready')
  await expect(page.getByTestId('message-stopped')).toBeVisible()
  // The model call on A was aborted: A no longer runs it, and the partial answer is stored.
  await expect.poll(() => runningOn(a)).toBe(0)
  expect(balancer.counts[B]!).toBeGreaterThan(servedByB + 1) // the page, its resume, and the Stop went to B
  const stored = (await (await fetch(`${a.baseUrl}/api/chats/${chatId}`)).json()) as { activeStreamId: string | null; messages: unknown[] }
  expect(stored.activeStreamId).toBeNull()
  expect(stored.messages).toHaveLength(2)
})
