import { nodeStreamHandler, type NodeStreamContext, preflight, streamResponses } from '@/lib/durable'
import { nodeRoute, nodeRoutes } from '@/lib/http'

/**
 * The Durable Streams protocol at `/v1/stream/<path>` (a rewrite in `next.config.ts` serves the
 * public URL from here) as a Pages Router API route: the same core (`lib/durable/protocol.ts`) and
 * the same access rows as the App Router route `app/v1/stream/[...path]/route.ts`, with Node's
 * request as the body instead of a Web stream around it. It spends less CPU per append than the App
 * Router route and holds an open SSE reader in less memory (`npm run bench:durable`, `npm run
 * bench:live`; "Which Next.js API for which stream" in the README). The App Router route stays as
 * the readable twin, reached with `X-Sluice-Transport: app-router` and run by the same conformance
 * suite.
 */
export const config = { api: { bodyParser: false, responseLimit: false }, maxDuration: 300 }

export default nodeRoutes({
  GET: nodeRoute<NodeStreamContext>('GET /v1/stream/[...path]', nodeStreamHandler('GET'), streamResponses),
  HEAD: nodeRoute<NodeStreamContext>('HEAD /v1/stream/[...path]', nodeStreamHandler('HEAD'), streamResponses),
  PUT: nodeRoute<NodeStreamContext>('PUT /v1/stream/[...path]', nodeStreamHandler('PUT'), streamResponses),
  POST: nodeRoute<NodeStreamContext>('POST /v1/stream/[...path]', nodeStreamHandler('POST'), streamResponses),
  DELETE: nodeRoute<NodeStreamContext>('DELETE /v1/stream/[...path]', nodeStreamHandler('DELETE'), streamResponses),
  OPTIONS: nodeRoute('OPTIONS /v1/stream/[...path]', preflight, streamResponses),
})
