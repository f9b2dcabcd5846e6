import { nodeStreamHandler, type NodeStreamContext } from '@/lib/durable'
import { nodeRoute } from '@/lib/http'

/**
 * The protocol's append (`POST /v1/stream/<path>`) as a Pages Router API route: the same core
 * (`lib/durable/protocol.ts`) and the same access row as the App Router route handler, with Node's
 * request as the body instead of a Web stream around it. It exists to measure what the App Router
 * costs an append (`bench/durable.mjs`, target `sluice-pages`; "Which Next.js API for which stream"
 * in the README) and is served at `/api/node/v1/stream/<path>`; the public URL stays on the App
 * Router route.
 */
export const config = { api: { bodyParser: false } }

export default nodeRoute<NodeStreamContext>('POST /v1/stream/[...path]', nodeStreamHandler('POST'))
