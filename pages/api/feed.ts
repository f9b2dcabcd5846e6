import { getFeed } from '@/app/api/feed/get'
import { nodeRoute } from '@/lib/http'

/**
 * `GET /api/feed` — the public URL of the live feed — as a Pages Router API route: the handler
 * (`app/api/feed/get.ts`) through `nodeRoute()`, which returns to Next.js once the response head is
 * written and writes the SSE body to Node's `res` straight from its source. An open reader costs
 * less memory this way than on the App Router: over the 1.3× that moves a path in the runs that
 * decided it (`npm run bench:live`; "Which Next.js API for which stream" in the README). A fixed
 * path needs no rewrite: this file is the route. The App Router twin, the readable example the
 * same tests run, is `app/api/app-router/feed/route.ts` at `/api/app-router/feed`.
 */
export const config = { api: { bodyParser: false, responseLimit: false }, maxDuration: 300 }

export default nodeRoute('GET /api/feed', getFeed)
