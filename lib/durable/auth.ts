import { createHash, timingSafeEqual } from 'node:crypto'
import { config } from '@/lib/config'
import { AppError } from '@/lib/errors'
import { singleton } from '@/lib/singleton'

/**
 * Access to durable streams over HTTP. Reading needs only the (unguessable) URL. Writing — create,
 * append, close, delete, over the protocol or the JSON API — needs `Authorization: Bearer <token>`
 * when `SLUICE_STREAMS_TOKEN` is set; without it writes are open, and the server says so once at
 * start-up. Server code using `lib/durable/service.ts` directly is trusted.
 */

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

/** Throws 401 unless the request may write (constant-time comparison of the token). */
export function requireWriteAccess(request: Request): void {
  const token = config().SLUICE_STREAMS_TOKEN
  if (token === undefined) return
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')?.[1]
  if (presented !== undefined && timingSafeEqual(digest(presented), digest(token))) return
  throw new AppError('unauthorized:token', 'Writing to streams needs "Authorization: Bearer <SLUICE_STREAMS_TOKEN>"', {
    headers: { 'WWW-Authenticate': 'Bearer realm="sluice-streams"' },
  })
}

/** Logs, once per process, that writes are open because no token is configured. */
export function warnIfWritesAreOpen(): void {
  if (config().SLUICE_STREAMS_TOKEN !== undefined) return
  singleton('durable.open-writes-warning', () => {
    console.warn(
      '[sluice] SLUICE_STREAMS_TOKEN is not set: anyone who can reach this server can create, append to and delete durable streams. Set it to require "Authorization: Bearer <token>" on writes.',
    )
    return true
  })
}
