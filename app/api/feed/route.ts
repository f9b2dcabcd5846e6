import { route } from '@/lib/http'
import { getFeed } from './get'

export const dynamic = 'force-dynamic'
/** Seconds this route may run on Vercel (it streams for long). */
export const maxDuration = 300

/**
 * `GET /api/feed` on the App Router: Server-Sent Events of this instance's live metrics
 * (`get.ts`). The public URL is served by the Pages API route `pages/api/node/feed.ts`, which
 * holds an open reader in less memory (`npm run bench:live`, "Which Next.js API for which stream"
 * in the README); this route is the readable example, reached with the request header
 * `X-Sluice-Transport: app-router` (`next.config.ts`), and runs the same tests.
 */
export const GET = route('GET /api/feed', getFeed)
