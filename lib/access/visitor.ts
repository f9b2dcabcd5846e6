import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * The anonymous identity of a visitor: a random id in a signed cookie. No login: the first
 * request that needs an identity mints one, and the browser sends it back from then on. The
 * signature (HMAC-SHA256 under {@link signingSecret}) means an id cannot be made up or taken
 * from a listing; `HttpOnly` keeps it from scripts, `SameSite=Lax` from cross-site writes.
 *
 * Clients without cookies (curl, scripts) keep theirs in a cookie jar: `curl -b jar -c jar`.
 */

export const VISITOR_COOKIE = 'sluice_visitor'
/** 400 days, the longest a browser keeps a cookie. */
const MAX_AGE_SECONDS = 400 * 24 * 60 * 60
const ID = /^[A-Za-z0-9_-]{22}$/

function sign(secret: Buffer, id: string): string {
  return createHmac('sha256', secret).update(`visitor:${id}`).digest('base64url')
}

/** A new visitor id: 128 random bits, base64url. */
export function newVisitorId(): string {
  return randomBytes(16).toString('base64url')
}

/** The cookie's value for `id`: `<id>.<signature>`. */
export function visitorCookieValue(secret: Buffer, id: string): string {
  return `${id}.${sign(secret, id)}`
}

/** The `Set-Cookie` header that gives the client identity `id`. */
export function visitorSetCookie(secret: Buffer, id: string, secure: boolean): string {
  const attributes = [`Path=/`, `Max-Age=${MAX_AGE_SECONDS}`, 'HttpOnly', 'SameSite=Lax']
  if (secure) attributes.push('Secure')
  return `${VISITOR_COOKIE}=${visitorCookieValue(secret, id)}; ${attributes.join('; ')}`
}

/**
 * Cookie values whose signature was checked, per secret: a returning visitor sends the same value
 * with every request, and an HMAC costs about 50 µs (a fresh `Hmac` object each time) where a
 * lookup costs nothing. Only valid values are kept, at most {@link VERIFIED_LIMIT} per secret, the
 * least recently used leaving first.
 */
const verified = new WeakMap<Buffer, Map<string, string>>()
const VERIFIED_LIMIT = 4096

/** The visitor id of a cookie value (`<id>.<signature>`), if its signature is valid. */
export function verifyVisitor(value: string, secret: Buffer): string | undefined {
  let known = verified.get(secret)
  if (known === undefined) verified.set(secret, (known = new Map()))
  const id = known.get(value) ?? checkSignature(value, secret)
  if (id === undefined) return undefined
  known.delete(value) // re-inserted below: most recently used last
  known.set(value, id)
  if (known.size > VERIFIED_LIMIT) known.delete(known.keys().next().value!)
  return id
}

function checkSignature(value: string, secret: Buffer): string | undefined {
  const dot = value.indexOf('.')
  const id = value.slice(0, dot)
  if (dot < 0 || !ID.test(id)) return undefined
  // The signature's length is fixed (43 characters): comparing lengths tells nothing of the secret.
  const given = Buffer.from(value.slice(dot + 1))
  const wanted = Buffer.from(sign(secret, id))
  return given.length === wanted.length && timingSafeEqual(given, wanted) ? id : undefined
}

/** The visitor id from the request's cookie, if it is present and its signature is valid. */
export function readVisitor(request: Request, secret: Buffer): string | undefined {
  const header = request.headers.get('cookie')
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0 || part.slice(0, eq).trim() !== VISITOR_COOKIE) continue
    return verifyVisitor(part.slice(eq + 1).trim(), secret)
  }
  return undefined
}
