import { getFeed } from '@/app/api/feed/get'
import { route } from '@/lib/http'

export const dynamic = 'force-dynamic'
/** Seconds this route may run on Vercel (it streams for long). */
export const maxDuration = 300

/**
 * `GET /api/app-router/feed` — the live feed as an App Router route handler: the same handler
 * (`app/api/feed/get.ts`) and the same tests as the public URL `/api/feed`, which is a Pages API
 * route (`pages/api/feed.ts`) because an open reader costs less memory there (`npm run
 * bench:live`; "Which Next.js API for which stream" in the README). This is the shape to copy when
 * a few readers at a time is all a route will see.
 */
export const GET = route('GET /api/app-router/feed', getFeed)
