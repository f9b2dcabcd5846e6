import { getUpload, removeUpload } from '@/app/api/uploads/[name]/files'
import { putUpload } from '@/app/api/uploads/[name]/put'
import { nodeRoute, nodeRoutes } from '@/lib/http'

/**
 * `/api/uploads/<name>` as a Pages Router API route — what the public URL serves (a rewrite in
 * `next.config.ts`). The same handlers (`put.ts`, `files.ts`) and access rows as the App Router
 * route `app/api/uploads/[name]/route.ts`, but the upload's body is Node's `IncomingMessage` itself:
 * no Web stream around it and no copy of each chunk, so every chunk can be freed once it is on disk.
 * With that, a 1 GiB upload ran 1.9× the App Router route in the same process (`npm run
 * bench:uploads`; "Which Next.js API for which stream" in the README), past the 1.3× that justifies
 * a second routing system for one hot path.
 */
type Context = { params: Promise<{ name: string }> }

export const config = { api: { bodyParser: false, responseLimit: false }, maxDuration: 300 }

export default nodeRoutes({
  PUT: nodeRoute<Context>('PUT /api/uploads/[name]', putUpload),
  GET: nodeRoute<Context>('GET /api/uploads/[name]', getUpload),
  HEAD: nodeRoute<Context>('HEAD /api/uploads/[name]', getUpload),
  DELETE: nodeRoute<Context>('DELETE /api/uploads/[name]', removeUpload),
})
