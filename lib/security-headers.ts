/**
 * The security headers, in one place: the policy for stored bytes (served by route handlers) and
 * the headers `next.config.ts` puts on pages and API responses.
 */

/** A header as `next.config.ts` `headers()` takes it. */
export interface HeaderEntry {
  key: string
  value: string
}

/**
 * On every response that serves stored, user-controlled bytes (durable stream reads, upload and
 * export downloads): never sniffed into another type, and if a browser renders it anyway (an HTML
 * or SVG stream opened in a tab) it is sandboxed — no script, no plugins, an opaque origin.
 */
export const STORED_CONTENT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; sandbox",
})

/**
 * The pages' Content Security Policy. Next.js injects inline scripts (the RSC payload, the
 * bootstrap), so scripts are `'self' 'unsafe-inline'` (without per-request nonces every page
 * would have to be rendered dynamically); `'unsafe-eval'` only in development (React's dev tools
 * and Fast Refresh need it). Everything else is this origin only: no plugins, no foreign frames or
 * forms, and no site may frame a page.
 */
export function pageContentSecurityPolicy(dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

const common: HeaderEntry[] = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
]

/** Headers for every page (HTML documents and their assets). */
export function pageHeaders(dev: boolean): HeaderEntry[] {
  return [...common, { key: 'Content-Security-Policy', value: pageContentSecurityPolicy(dev) }]
}

/**
 * Headers for API responses (`/api/*`, `/v1/*`): JSON, SSE and downloads, never a document to
 * render, so nothing may run or load in them. Next.js sends these instead of a handler's own
 * header of the same name, so this policy includes all of {@link STORED_CONTENT_HEADERS}' (the
 * handlers set theirs too, so stored bytes stay sandboxed whatever serves them).
 */
export const apiHeaders: HeaderEntry[] = [
  ...common,
  { key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'; sandbox" },
]
