import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { reserveSlot } from '@/lib/access/limits'
import { tokenMatches } from '@/lib/access/tokens'
import { newVisitorId, readVisitor, verifyVisitor, visitorCookieValue, visitorSetCookie, VISITOR_COOKIE } from '@/lib/access/visitor'
import { isAppError } from '@/lib/errors'

const secret = randomBytes(32)
const withCookie = (cookie: string) => new Request('http://x.test/', { headers: { cookie } })

describe('visitor cookies', () => {
  it('round-trip: a minted id reads back from its cookie, among other cookies', () => {
    const id = newVisitorId()
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(readVisitor(withCookie(`a=1; ${VISITOR_COOKIE}=${visitorCookieValue(secret, id)}; b=2`), secret)).toBe(id)
  })

  it('refuses a made-up id, a tampered signature, another secret’s cookie and garbage', () => {
    const id = newVisitorId()
    const value = visitorCookieValue(secret, id)
    const other = newVisitorId()
    // Checked once first: what a valid value is remembered as must not let anything else through.
    expect(verifyVisitor(value, secret)).toBe(id)
    expect(verifyVisitor(`${other}${value.slice(id.length)}`, secret)).toBeUndefined()
    expect(verifyVisitor(`${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`, secret)).toBeUndefined()
    expect(verifyVisitor(value, randomBytes(32))).toBeUndefined()
    for (const bad of ['', '.', 'x', `${id}.`, `${id}`, '../../etc.passwd']) expect(verifyVisitor(bad, secret)).toBeUndefined()
    expect(readVisitor(new Request('http://x.test/'), secret)).toBeUndefined()
  })

  it('checks again the values it no longer remembers (more than it keeps), under their own secret only', () => {
    const values = Array.from({ length: 5000 }, () => {
      const id = newVisitorId()
      return [id, visitorCookieValue(secret, id)] as const
    })
    for (const [id, value] of values) expect(verifyVisitor(value, secret)).toBe(id)
    for (const [id, value] of values.slice(0, 10)) expect(verifyVisitor(value, secret)).toBe(id)
    expect(verifyVisitor(values[0]![1], randomBytes(32))).toBeUndefined()
  })

  it('is HttpOnly, SameSite=Lax, site-wide, and Secure only over https', () => {
    const plain = visitorSetCookie(secret, newVisitorId(), false)
    expect(plain).toMatch(/; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/)
    expect(visitorSetCookie(secret, newVisitorId(), true)).toMatch(/; Secure$/)
  })
})

describe('token comparison', () => {
  it('matches only the same token, whatever the lengths', () => {
    expect(tokenMatches('s3cret-token', 's3cret-token')).toBe(true)
    expect(tokenMatches('s3cret-toke', 's3cret-token')).toBe(false)
    expect(tokenMatches('s3cret-token!', 's3cret-token')).toBe(false)
    expect(tokenMatches('', 's3cret-token')).toBe(false)
  })
})

describe('running caps', () => {
  it('refuses one more per visitor (2) with 429 and Retry-After; other visitors go on; releasing frees a slot', () => {
    const kind = 'proxy'
    const a = reserveSlot(kind, 'cap-alice')
    const b = reserveSlot(kind, 'cap-alice')
    let refused: unknown
    try {
      reserveSlot(kind, 'cap-alice')
    } catch (error) {
      refused = error
    }
    expect(isAppError(refused) && refused.code).toBe('rate_limited:proxy')
    expect(isAppError(refused) && refused.status).toBe(429)
    expect(isAppError(refused) && refused.headers?.get('retry-after')).toBe('5')
    const c = reserveSlot(kind, 'cap-bob')
    a()
    a() // idempotent
    const d = reserveSlot(kind, 'cap-alice')
    for (const release of [b, c, d]) release()
  })

  it('refuses one more per instance (8) whoever asks', () => {
    const releases = Array.from({ length: 8 }, (_, i) => reserveSlot('typed', `cap-v${i}`))
    expect(() => reserveSlot('typed', 'cap-v9')).toThrow(/8 typed streams/)
    for (const release of releases) release()
    reserveSlot('typed', 'cap-v9')()
  })
})
