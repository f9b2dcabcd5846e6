import { afterAll, beforeAll, expect, test } from 'vitest'
import { startServer, type TestServer } from '../support/server'

/**
 * Behind a proxy that sets X-Forwarded-Host/-Proto (`SLUICE_TRUST_PROXY=1`), absolute URLs are on
 * the origin the client used. Without the setting they are ignored: `hardening-input.test.ts`.
 */
let server: TestServer

beforeAll(async () => {
  server = await startServer({ env: { SLUICE_TRUST_PROXY: '1' } })
})
afterAll(async () => {
  await server?.stop()
})

const forwarded = { 'X-Forwarded-Host': 'app.example.com', 'X-Forwarded-Proto': 'https' }

test('Location and the JSON API url use X-Forwarded-Host and -Proto', async () => {
  const path = `/v1/stream/trusted/s-${Date.now()}`
  const created = await fetch(`${server.baseUrl}${path}`, { method: 'PUT', headers: forwarded })
  expect(created.status).toBe(201)
  expect(created.headers.get('location')).toBe(`https://app.example.com${path}`)

  const api = await fetch(`${server.baseUrl}/api/durable`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...forwarded },
    body: JSON.stringify({ namespace: 'trusted' }),
  })
  expect(api.status).toBe(201)
  const { id, url } = (await api.json()) as { id: string; url: string }
  expect(url).toBe(`https://app.example.com/v1/stream/${id}`)
})

test('without forwarding headers, the Host the client used', async () => {
  const path = `/v1/stream/trusted/plain-${Date.now()}`
  const created = await fetch(`${server.baseUrl}${path}`, { method: 'PUT' })
  expect(created.headers.get('location')).toBe(`${server.baseUrl}${path}`)
})
