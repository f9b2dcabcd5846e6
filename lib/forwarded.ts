/**
 * The origin (scheme and host) a client used, for absolute URLs the server hands out (`Location`,
 * the `url` of the JSON API).
 *
 * `X-Forwarded-Host` and `X-Forwarded-Proto` are anyone's to send: they are believed only when a
 * proxy in front of the app sets them — `SLUICE_TRUST_PROXY=1`, or on Vercel (`VERCEL=1`), whose
 * edge always overwrites them. Otherwise the `Host` header is used (what the client connected
 * to) and the scheme is http, which is what `next start` serves.
 */

import { config } from '@/lib/config'

const HOST = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i

/** The first value of a forwarding header (a chain of proxies sends `a, b`). */
function first(value: string | null): string | undefined {
  const head = value?.split(',')[0]?.trim()
  return head === '' ? undefined : head
}

/**
 * The origin of the request as the client sees it, e.g. `https://app.example.com`. `trusted`:
 * whether forwarding headers are believed (`config().trustProxy`, from `SLUICE_TRUST_PROXY`/`VERCEL`).
 */
export function requestOrigin(request: Request, trusted: boolean = config().trustProxy): string {
  const url = new URL(request.url)
  const forwardedHost = trusted ? first(request.headers.get('x-forwarded-host')) : undefined
  const host = [forwardedHost, request.headers.get('host') ?? undefined].find((h) => h !== undefined && HOST.test(h)) ?? url.host
  const forwardedProto = first(request.headers.get('x-forwarded-proto'))
  let https = url.protocol === 'https:'
  // Next.js itself makes `request.url` https when X-Forwarded-Proto contains "https": undone unless trusted.
  if (forwardedProto !== undefined) https = trusted && forwardedProto === 'https'
  return `${https ? 'https' : 'http'}://${host}`
}
