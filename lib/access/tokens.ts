import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { singleton } from '@/lib/singleton'

/**
 * Bearer tokens: the one place a token a client presents is compared with a configured one.
 * Both sides are reduced to an HMAC under a per-process random key before the constant-time
 * comparison, so neither the time taken nor an early exit tells anything about the length or
 * the content of the configured token.
 */

const key = () => singleton('access.token-key', () => randomBytes(32))

const mac = (value: string) => createHmac('sha256', key()).update(value).digest()

/** True when `presented` equals `expected`, compared in constant time (lengths included). */
export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(mac(presented), mac(expected))
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(request: Request): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')?.[1]
}
