import { describe, expect, test } from 'vitest'
import { parseConfig } from '@/lib/config'
import { requestOrigin } from '@/lib/forwarded'

/** A request as Next.js hands it to a route: its URL is on the address `next start` listens on. */
const request = (headers: Record<string, string>, url = 'http://127.0.0.1:3000/api/durable') => new Request(url, { headers })

/** Whether the configuration built from `env` believes forwarding headers. */
const trusts = (env: Record<string, string>) => parseConfig(env as NodeJS.ProcessEnv).trustProxy

describe('the origin of absolute URLs', () => {
  test('without SLUICE_TRUST_PROXY or VERCEL, X-Forwarded-Host/-Proto are ignored: the Host header, http', () => {
    const trusted = trusts({ SLUICE_TRUST_PROXY: '', VERCEL: '' })
    expect(trusted).toBe(false)
    expect(
      requestOrigin(request({ host: 'localhost:3000', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' }), trusted),
    ).toBe('http://localhost:3000')
    // Next.js makes request.url https from X-Forwarded-Proto on its own; that is undone too.
    expect(requestOrigin(request({ host: 'localhost:3000', 'x-forwarded-proto': 'https' }, 'https://127.0.0.1:3000/x'), trusted)).toBe(
      'http://localhost:3000',
    )
    expect(requestOrigin(request({}), trusted)).toBe('http://127.0.0.1:3000')
  })

  test.each([['SLUICE_TRUST_PROXY'], ['VERCEL']])('with %s=1 the first forwarded host and scheme are used', (variable) => {
    const trusted = trusts({ [variable]: '1' })
    expect(trusted).toBe(true)
    expect(
      requestOrigin(
        request({ host: 'localhost:3000', 'x-forwarded-host': 'app.example.com, inner.proxy', 'x-forwarded-proto': 'https,http' }),
        trusted,
      ),
    ).toBe('https://app.example.com')
    expect(requestOrigin(request({ host: 'localhost:3000', 'x-forwarded-host': 'app.example.com:8443' }), trusted)).toBe(
      'http://app.example.com:8443',
    )
    // Not a host name: ignored, the Host header is used.
    expect(requestOrigin(request({ host: 'localhost:3000', 'x-forwarded-host': 'evil.example/path?' }), trusted)).toBe(
      'http://localhost:3000',
    )
  })
})
