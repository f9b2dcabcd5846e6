import { timingSafeEqual } from 'node:crypto'
import { AppError } from '@/lib/errors'
import type { StreamGuard } from '@/lib/typed-stream/define'

/**
 * A guard requiring `Authorization: Bearer <token>` when `expected()` returns a token: 401
 * `unauthorized:token` without one, 403 `forbidden:token` for a wrong one. When `expected()`
 * returns `undefined` the stream is open (the local default).
 */
export function bearerToken(expected: () => string | undefined): StreamGuard<unknown> {
  return function bearerTokenGuard(request) {
    const token = expected()
    if (token === undefined) return
    const header = request.headers.get('authorization') ?? ''
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    if (!match) throw new AppError('unauthorized:token', 'This stream needs an "Authorization: Bearer <token>" header')
    const given = Buffer.from(match[1] ?? '')
    const wanted = Buffer.from(token)
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      throw new AppError('forbidden:token', 'The bearer token is not valid for this stream')
    }
  }
}
