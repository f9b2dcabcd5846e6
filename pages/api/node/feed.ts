import { getFeed } from '@/app/api/feed/get'
import { nodeRoute } from '@/lib/http'

/**
 * `GET /api/feed` as a Pages Router API route: the same handler (`getFeed`) and the same access row
 * as the App Router route `app/api/feed/route.ts`, written to Node's `res` directly. The public URL
 * `/api/feed` is rewritten here (`next.config.ts`) because an open reader costs less memory on this
 * transport (`npm run bench:live`; "Which Next.js API for which stream" in the README).
 */
export const config = { api: { bodyParser: false, responseLimit: false } }

export default nodeRoute('GET /api/feed', getFeed)
