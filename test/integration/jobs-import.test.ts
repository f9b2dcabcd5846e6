import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '@/test/support/server'

/** The import's refusals over real HTTP (`next start`), where a request without a body still has a body stream. */
let server: TestServer
const importUrl = () => `${server.baseUrl}/api/jobs/import?source=upload`

beforeAll(async () => {
  server = await startServer()
})

afterAll(async () => {
  await server?.stop()
})

async function expectRefusedBeforeAnyFrame(response: Response): Promise<void> {
  const text = await response.text()
  expect(response.status, text).toBe(400)
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  expect(text).not.toContain('event:')
  expect(JSON.parse(text)).toMatchObject({ error: { code: 'bad_request:upload', message: expect.stringContaining('empty') } })
}

describe('POST /api/jobs/import?source=upload', () => {
  it('refuses a request without a body with 400 before any frame', async () => {
    await expectRefusedBeforeAnyFrame(await fetch(importUrl(), { method: 'POST' }))
  })

  it('refuses an empty chunked body with 400 before any frame', async () => {
    const body = new ReadableStream<Uint8Array>({ start: (c) => c.close() })
    await expectRefusedBeforeAnyFrame(
      await fetch(importUrl(), { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body, duplex: 'half' } as RequestInit),
    )
  })

  it('imports an uploaded CSV sent in pieces (the first bytes are checked, then the whole body is read)', async () => {
    const csv = 'name,email,amount\nAda,ada@example.com,1.00\nGrace,grace@example.com,2.50\n'
    const encoder = new TextEncoder()
    const body = new ReadableStream<Uint8Array>({
      async start(c) {
        c.enqueue(encoder.encode(csv.slice(0, 5)))
        await new Promise((r) => setTimeout(r, 50))
        c.enqueue(encoder.encode(csv.slice(5)))
        c.close()
      },
    })
    const res = await fetch(importUrl(), { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body, duplex: 'half' } as RequestInit)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const text = await res.text()
    expect(text).toMatch(/event: complete\nid: \d+\ndata: \{[^\n]*"inserted":2,"rejected":0/)
  })
})
