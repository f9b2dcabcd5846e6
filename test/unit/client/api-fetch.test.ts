import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { z } from 'zod'
import { wordsQuery } from '@/app/api/words/schema'
import { issueInWords } from '@/components/api/error-words'
import { apiFetch, ApiError, apiJson, NETWORK_MESSAGE, toApiError } from '@/components/api/fetch'
import { fieldLimits } from '@/components/api/schema-limits'
import { parseWith } from '@/lib/http'
import { AppError, toAppError } from '@/lib/errors'

/** A server on port 0 that answers each request with what `answer` returns. */
let server: Server
let base: string
let answer: () => Response
beforeEach(async () => {
  server = createServer(async (_req, res) => {
    const response = answer()
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())))

/** The response the server's own error path gives for a zod refusal (`lib/http.ts` → `lib/errors.ts`). */
function refusal(schema: z.ZodType, value: unknown): Response {
  try {
    parseWith(schema, value, 'query')
  } catch (error) {
    return toAppError(error).toResponse()
  }
  throw new Error('the value was accepted')
}

describe('apiFetch', () => {
  test('a refusal becomes an ApiError with the server’s code, message, status and field issues', async () => {
    answer = () => refusal(wordsQuery, { count: '0' })
    const error = await apiFetch(`${base}/api/words?count=0`).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    const e = error as ApiError
    expect(e.status).toBe(400)
    expect(e.code).toBe('bad_request:query')
    expect(e.message).toMatch(/^Invalid query: count:/)
    expect(e.issues).toEqual([{ path: 'count', message: expect.stringContaining('>=1') }])
    expect(e.field('count')).toContain('>=1')
    expect(e.field('delay')).toBeUndefined()
    expect(e.headline).toBe('That input was not accepted')
    expect(e.network).toBe(false)
  })

  test('Retry-After is kept, in milliseconds', async () => {
    answer = () => new AppError('rate_limited:running', 'Too many at once').toResponse({ 'Retry-After': '3' })
    const e = (await apiFetch(base).catch((x: unknown) => x)) as ApiError
    expect([e.code, e.status, e.retryAfterMs]).toEqual(['rate_limited:running', 429, 3000])
    expect(e.headline).toBe('Too many things running at once')
  })

  test('a body that is not the app’s shape still gives a code from the status and a message', async () => {
    answer = () => new Response(JSON.stringify({ error: { message: 'Incorrect API key', code: 'invalid_api_key' } }), { status: 401 })
    const e = (await apiFetch(base).catch((x: unknown) => x)) as ApiError
    expect([e.code, e.message]).toEqual(['unauthorized:http', 'Incorrect API key'])
    answer = () => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' })
    const html = (await apiFetch(base).catch((x: unknown) => x)) as ApiError
    expect([html.code, html.status]).toEqual(['unavailable:http', 502])
    expect(html.message).toContain('502')
  })

  test('a network failure is an ApiError in words, not "Failed to fetch"', async () => {
    const closed = base
    await new Promise<void>((resolve) => server.close(() => resolve()))
    server = createServer().listen(0) // for afterEach
    const e = (await apiFetch(`${closed}/api/uploads`).catch((x: unknown) => x)) as ApiError
    expect(e).toBeInstanceOf(ApiError)
    expect([e.code, e.status, e.network, e.message]).toEqual(['unavailable:network', 0, true, NETWORK_MESSAGE])
  })

  test('an abort stays an AbortError (stopped is not failed)', async () => {
    answer = () => Response.json({ ok: true })
    const controller = new AbortController()
    controller.abort()
    const e = (await apiFetch(base, { signal: controller.signal }).catch((x: unknown) => x)) as Error
    expect(e.name).toBe('AbortError')
  })

  test('apiJson sends JSON and reads JSON', async () => {
    let seen: { type?: string; body?: string } = {}
    server.removeAllListeners('request')
    server.on('request', (req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += c))
      req.on('end', () => {
        seen = { type: req.headers['content-type'], body }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"rows":3}')
      })
    })
    expect(await apiJson<{ rows: number }>(base, { method: 'POST', json: { rows: 3 } })).toEqual({ rows: 3 })
    expect(seen).toEqual({ type: 'application/json', body: '{"rows":3}' })
  })
})

describe('toApiError', () => {
  test('an error frame in the app’s shape keeps its code; anything else is the network', () => {
    expect(toApiError({ code: 'bad_request:body', message: 'Invalid body', details: [{ path: 'from', message: 'x' }] }).field('from')).toBe(
      'x',
    )
    expect(toApiError(new TypeError('Failed to fetch')).code).toBe('unavailable:network')
  })
})

describe('issueInWords', () => {
  /** zod's own messages, from the server's schema (not written by hand here). */
  const messageFor = (value: unknown) => {
    const parsed = wordsQuery.safeParse(value)
    if (parsed.success) throw new Error('accepted')
    return parsed.error.issues[0]!.message
  }

  test('rewrites zod’s defaults in words and leaves the server’s own sentences alone', () => {
    expect(issueInWords(messageFor({ count: '0' }))).toBe('Must be at least 1.')
    expect(issueInWords(messageFor({ delay: '20000' }))).toBe('Must be at most 10000.')
    expect(issueInWords(messageFor({ count: '1.5' }))).toBe('Must be a whole number.')
    expect(issueInWords(messageFor({ count: 'abc' }))).toBe('Must be a number.')
    expect(issueInWords(messageFor({ extra: '1' }))).toMatch(/^Not a known field: /)
    expect(issueInWords('A stream notes/x already exists: choose another name')).toBe(
      'A stream notes/x already exists: choose another name',
    )
  })
})

describe('fieldLimits', () => {
  test('reads the bounds of the server’s schema', () => {
    expect(fieldLimits(wordsQuery, ['count', 'delay'])).toEqual({
      count: { min: 1, max: 10_000, default: 40, minLength: undefined, maxLength: undefined },
      delay: { min: 0, max: 10_000, default: 150, minLength: undefined, maxLength: undefined },
    })
    expect(fieldLimits(z.object({ q: z.string().max(200) }), ['q']).q.maxLength).toBe(200)
    expect(() => fieldLimits(wordsQuery, ['nope' as 'count'])).toThrow(/no field nope/)
  })
})
