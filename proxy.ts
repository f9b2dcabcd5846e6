import { NextResponse } from 'next/server'
import { baseHeaders, STREAM_ROUTE } from '@/lib/durable/client'
import { malformedPathError } from '@/lib/params'

/**
 * Paths with malformed percent-encoding (`/api/durable/%ff`, `/v1/stream/%e2%82`) get the app's
 * 400 `bad_request:path`. Next.js decodes dynamic segments while routing, before any route or
 * page runs, and answers such a path with a plain-text 500 of its own; a proxy runs before that
 * (`docs/durable-streams.md`, "Malformed paths").
 *
 * Only requests without a body come here. Next.js reads the whole body of a request it hands to
 * a proxy into memory first, cut at 10 MB (`proxyClientMaxBodySize`), and it tries the matcher
 * on the decoded path too, so a good path such as `/api/uploads/100%25.bin` (decoded: `100%.bin`)
 * would match — an upload or append there would lose its streaming and everything past 10 MB.
 * A malformed path with a body therefore still gets Next.js's 500.
 *
 * The matcher is exact on the raw path: it matches when, read escape by escape, the path reaches
 * a `%` that does not start a percent-encoded UTF-8 character — `%00`–`%7F`; `%C2`–`%DF` + one
 * continuation (`%80`–`%BF`); `%E0` `%A0`–`%BF`, `%E1`–`%EC`/`%EE`/`%EF` `%80`–`%BF`, `%ED`
 * `%80`–`%9F`, each + one continuation; `%F0` `%90`–`%BF`, `%F1`–`%F3` `%80`–`%BF`, `%F4`
 * `%80`–`%8F`, each + two continuations — which is what `decodeURIComponent` refuses
 * (`test/unit/params.test.ts` compiles it with Next.js's code and checks exactly that).
 */
export function proxy(request: Request): Response {
  const pathname = new URL(request.url).pathname
  const error = malformedPathError(pathname)
  if (!error) return NextResponse.next()
  return error.toResponse(pathname.startsWith(STREAM_ROUTE) ? baseHeaders() : undefined)
}

export const config = {
  matcher: [
    {
      // Next.js needs literals here; see above for what the source matches.
      source:
        '/:path((?:[^%]|%[0-7][0-9A-Fa-f]|%[Cc][2-9A-Fa-f]%[89ABab][0-9A-Fa-f]|%[Dd][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]|%[Ee]0%[ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]|%[Ee][1-9A-Ca-cEeFf]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]|%[Ee][Dd]%[89][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]|%[Ff]0%[9ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]|%[Ff][1-3]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]|%[Ff]4%8[0-9A-Fa-f]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f])*(?!%[0-7][0-9A-Fa-f]|%[Cc][2-9A-Fa-f]%[89ABab][0-9A-Fa-f]|%[Dd][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]|%[Ee]0%[ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]|%[Ee][1-9A-Ca-cEeFf]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]|%[Ee][Dd]%[89][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]|%[Ff]0%[9ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]|%[Ff][1-3]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]|%[Ff]4%8[0-9A-Fa-f]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f])%.*)',
      // Requests with a body: a Content-Length other than 0, or chunked.
      missing: [
        { type: 'header', key: 'content-length', value: '.*[1-9].*' },
        { type: 'header', key: 'transfer-encoding' },
      ],
    },
  ],
}
