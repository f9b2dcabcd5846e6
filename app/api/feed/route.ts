import { route } from '@/lib/http'
import { getFeed } from './get'

export const dynamic = 'force-dynamic'
/** Seconds this route may run on Vercel (it streams for long). */
export const maxDuration = 300

/**
 * `GET /api/feed` — Server-Sent Events of this instance's live metrics (`get.ts`). The same handler
 * also runs as a Pages API route at `/api/node/feed` (`pages/api/node/feed.ts`), which holds an open
 * reader in less memory, but not by the 1.3× that would move the public URL there (`npm run
 * bench:live`; "Which Next.js API for which stream" in the README).
 */
export const GET = route('GET /api/feed', getFeed)
