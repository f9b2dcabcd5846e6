import { putUpload } from '@/app/api/uploads/[name]/put'
import { nodeRoute } from '@/lib/http'

/**
 * The upload `PUT` as a Pages Router API route: the same handler (`putUpload`) and the same access
 * row as `PUT /api/uploads/<name>`, but the body is Node's `IncomingMessage` itself instead of a Web
 * stream wrapped around it. It exists to measure what the App Router's request body costs
 * (`bench/uploads.mjs`, "Which Next.js API for which stream" in the README) and is served at
 * `/api/node/uploads/<name>`; the public URL stays on the App Router route.
 */
export const config = { api: { bodyParser: false, responseLimit: false } }

export default nodeRoute<{ params: Promise<{ name: string }> }>('PUT /api/uploads/[name]', putUpload)
