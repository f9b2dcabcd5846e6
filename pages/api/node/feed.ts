import { getFeed } from '@/app/api/feed/get'
import { nodeRoute } from '@/lib/http'

/**
 * `GET /api/feed` as a Pages Router API route: the same handler (`getFeed`) and the same access row
 * as the App Router route `app/api/feed/route.ts`, written to Node's `res` directly. It exists to
 * measure what an open reader costs on each transport (`npm run bench:live`; "Which Next.js API for
 * which stream" in the README) and is served at `/api/node/feed`; the public URL stays on the App
 * Router route, since the Pages route won by less than the 1.3× that would justify moving it.
 */
export const config = { api: { bodyParser: false, responseLimit: false } }

export default nodeRoute('GET /api/feed', getFeed)
