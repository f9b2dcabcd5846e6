import { afterEach, describe, expect, test, vi } from 'vitest'
import { requestOrigin } from '@/lib/forwarded'

/** A request as Next.js hands it to a route: its URL is on the address `next start` listens on. */
const request = (headers: Record<string, string>, url = 'http://127.0.0.1:3000/api/streams') => new Request(url, { headers })

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('the origin of absolute URLs', () => {
  test('without SLUICE_TRUST_PROXY or VERCEL, X-Forwarded-Host/-Proto are ignored: the Host header, http', () => {
    vi.stubEnv('SLUICE_TRUST_PROXY', '')
    vi.stubEnv('VERCEL', '')
    expect(requestOrigin(request({ host: 'localhost:3000', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' }))).toBe('http://localhost:3000')
    // Next.js makes request.url https from X-Forwarded-Proto on its own; that is undone too.
    expect(requestOrigin(request({ host: 'localhost:3000', 'x-forwarded-proto': 'https' }, 'https://127.0.0.1:3000/x'))).toBe('http://localhost:3000')
    expect(requestOrigin(request({}))).toBe('http://127.0.0.1:3000')
  })

  test.each([['SLUICE_TRUST_PROXY'], ['VERCEL']])('with %s=1 the first forwarded host and scheme are used', (variable) => {
    vi.stubEnv(variable, '1')
    expect(requestOrigin(request({ host: 'localhost:3000', 'x-forwarded-host': 'app.example.com, inner.proxy', 'x-forwarded-proto': 'https,http' }))).toBe('https://app.example.com')
    expect(requestOrigin(request({ host: 'localhost:3000', 'x-forwarded-host': 'app.example.com:8443' }))).toBe('http://app.example.com:8443')
    // Not a host name: ignored, the Host header is used.
    expect(requestOrigin(request({ host: 'localhost:3000', 'x-forwarded-host': 'evil.example/path?' }))).toBe('http://localhost:3000')
  })
})
