import { bearerToken as presentedToken, tokenMatches } from '@/lib/access'
import { AppError } from '@/lib/errors'
import type { StreamGuard } from '@/lib/typed/define'

/**
 * A guard requiring `Authorization: Bearer <token>` when `expected()` returns a token: 401
 * `unauthorized:token` without it or with a wrong one (compared in constant time, as every token
 * in the app: `lib/access/tokens.ts`). When `expected()` returns `undefined` the stream is open.
 * Routes in this app declare their tokens in the access table instead (`lib/access/table.ts`);
 * this guard is for a definition that carries its own.
 */
export function bearerToken(expected: () => string | undefined): StreamGuard<unknown> {
  return function bearerTokenGuard(request) {
    const token = expected()
    if (token === undefined) return
    const given = presentedToken(request)
    if (given === undefined || !tokenMatches(given, token)) {
      throw new AppError('unauthorized:token', 'This stream needs an "Authorization: Bearer <token>" header with a valid token', {
        headers: { 'WWW-Authenticate': 'Bearer realm="sluice"' },
      })
    }
  }
}
