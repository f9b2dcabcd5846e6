import { createRequire } from 'node:module'
import { describe, expect, test } from 'vitest'
import { malformedPathError, malformedSegment } from '@/lib/params'
import { config } from '@/proxy'

/**
 * `proxy.ts` must see exactly the paths Next.js's router cannot decode, and no request with a
 * body (Next.js holds a proxied body in memory and cuts it at 10 MB). Its matcher is compiled here
 * by Next.js's own code, as `next build` does, and compared with `decodeURIComponent` — the
 * function Next.js's route matcher decodes segments with.
 */
const require = createRequire(import.meta.url)
type Matcher = { regexp: string; missing?: unknown[] }
const { getMiddlewareMatchers } = require('next/dist/build/analysis/get-page-static-info') as {
  getMiddlewareMatchers: (matcher: unknown, nextConfig: object) => Matcher[]
}
const { getMiddlewareRouteMatcher } = require('next/dist/shared/lib/router/utils/middleware-route-matcher') as {
  getMiddlewareRouteMatcher: (matchers: Matcher[]) => (pathname: string, req: { headers: Record<string, string> }, query: object) => boolean
}
const nextMatches = getMiddlewareRouteMatcher(getMiddlewareMatchers(config.matcher, {}))
/** Does the matcher take this raw path (a request without a body)? */
const matchesRaw = (pathname: string, headers: Record<string, string> = {}) => nextMatches(pathname, { headers }, {})
/** What Next.js's router does (`resolve-routes.js`): the raw path, or the decoded one, matches. */
function reachesProxy(pathname: string, headers: Record<string, string> = {}): boolean {
  let decoded = pathname
  try {
    decoded = decodeURIComponent(pathname)
  } catch {}
  return matchesRaw(pathname, headers) || matchesRaw(decoded, headers)
}

/** What Next.js's router fails on: some segment `decodeURIComponent` refuses. */
const undecodable = (pathname: string) =>
  pathname.split('/').some((segment) => {
    try {
      decodeURIComponent(segment)
      return false
    } catch {
      return true
    }
  })

const hex = (byte: number) => `%${byte.toString(16).padStart(2, '0')}`

describe('malformed percent-encoding in paths', () => {
  test.each(['/api/durable/%ff', '/v1/stream/a/%e2%82', '/chat/%zz', '/api/uploads/x%', '/api/chats/%C0%AF', '/v1/stream/%ed%a0%80'])(
    '%s is refused',
    (path) => {
      expect(malformedSegment(path)).toBeDefined()
      expect(malformedPathError(path)).toMatchObject({ code: 'bad_request:path', status: 400 })
      expect(reachesProxy(path)).toBe(true)
      expect(reachesProxy(path, { 'content-length': '0' })).toBe(true)
      // With a body it is left to Next.js (see proxy.ts).
      expect(reachesProxy(path, { 'content-length': '10' })).toBe(false)
      expect(reachesProxy(path, { 'transfer-encoding': 'chunked' })).toBe(false)
    },
  )

  test.each([
    '/',
    '/api/durable',
    '/v1/stream/a%20b/%C3%A9',
    '/api/uploads/%F0%9F%98%80.bin',
    '/v1/stream/%2F%2541',
    '/api/uploads/%E2%82%AC',
  ])('%s is not', (path) => {
    expect(malformedPathError(path)).toBeUndefined()
    expect(reachesProxy(path)).toBe(false)
  })

  test('a good path whose decoded form looks malformed reaches the proxy only without a body, and is let through', () => {
    const path = '/api/uploads/100%25.bin' // decoded: /api/uploads/100%.bin
    expect(malformedPathError(path)).toBeUndefined() // so proxy() answers NextResponse.next()
    expect(reachesProxy(path)).toBe(true)
    expect(reachesProxy(path, { 'content-length': '20000000' })).toBe(false)
    expect(reachesProxy(path, { 'transfer-encoding': 'chunked' })).toBe(false)
  })

  test('every single escape %00–%FF, in both cases: the proxy sees exactly the undecodable ones', () => {
    for (let b = 0; b < 256; b++) {
      for (const escape of [hex(b), hex(b).toUpperCase()])
        expect([escape, matchesRaw(`/v1/stream/${escape}`)]).toEqual([escape, undecodable(escape)])
    }
  })

  test('every pair of escapes, and lead bytes with every second byte then a continuation', { timeout: 30_000 }, () => {
    for (let a = 0; a < 256; a++) {
      for (let b = 0; b < 256; b++) {
        const two = `/api/uploads/x${hex(a)}${hex(b)}`
        const more = `/api/uploads/${hex(a)}${hex(b)}%80%BFy`
        if (matchesRaw(two) !== undecodable(two)) expect(two).toBe('matched like decodeURIComponent')
        if (matchesRaw(more) !== undecodable(more)) expect(more).toBe('matched like decodeURIComponent')
      }
    }
  })

  test('random paths of letters, slashes, escapes and stray %: same answer as decodeURIComponent', () => {
    const pieces = [
      'a',
      'Z',
      '/',
      '-',
      '%',
      '%2',
      '%41',
      '%c3',
      '%A9',
      '%e2',
      '%82',
      '%AC',
      '%f0',
      '%9f',
      '%98',
      '%80',
      '%ff',
      '%ed',
      '%a0',
      '%f4',
      '%90',
      '%8f',
    ]
    for (let run = 0; run < 20_000; run++) {
      let path = '/'
      for (let n = Math.floor(Math.random() * 12); n > 0; n--) path += pieces[Math.floor(Math.random() * pieces.length)]
      if (matchesRaw(path) !== undecodable(path)) expect(path).toBe('matched like decodeURIComponent')
    }
  })
})
