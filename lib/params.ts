import { AppError } from '@/lib/errors'

/**
 * Percent-encoding in URL paths. Next.js decodes every dynamic segment (`[id]`, `[...path]`) with
 * `decodeURIComponent` while it routes, before any route handler or page runs; a segment that is
 * not valid percent-encoded UTF-8 (`%ff`, `%e2%82`, `%zz`) makes its router answer a plain-text
 * `500 Internal Server Error` (see `docs/durable-streams.md`, "Malformed paths"). `proxy.ts`
 * uses this module to answer such paths with the app's error shape instead.
 */

/** The first segment of `pathname` that `decodeURIComponent` refuses, if any. */
export function malformedSegment(pathname: string): string | undefined {
  for (const segment of pathname.split('/')) {
    try {
      decodeURIComponent(segment)
    } catch {
      return segment
    }
  }
  return undefined
}

/** 400 `bad_request:path` for a path with malformed percent-encoding; `undefined` for a good one. */
export function malformedPathError(pathname: string): AppError | undefined {
  const segment = malformedSegment(pathname)
  if (segment === undefined) return undefined
  return new AppError('bad_request:path', `Malformed percent-encoding in the path segment ${JSON.stringify(segment.slice(0, 80))}`, {
    details: { segment: segment.slice(0, 80) },
  })
}
