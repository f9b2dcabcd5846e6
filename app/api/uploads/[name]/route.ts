import { route } from '@/lib/http'
import { chunksOf } from '@/lib/uploads'
import { getUpload, removeUpload } from './files'
import { putUpload } from './put'

export const dynamic = 'force-dynamic'
/** Seconds this route may run on Vercel (it streams for long). */
export const maxDuration = 300

type Context = RouteContext<'/api/uploads/[name]'>

// The App Router version of `/api/uploads/<name>`, kept as the readable example and run by the same
// tests: the public URL is served by the Pages API route `pages/api/node/uploads/[name].ts` (a
// rewrite in `next.config.ts`), whose raw Node request body uploads 1.9× faster (README, "Which
// Next.js API for which stream"). A request with `X-Sluice-Transport: app-router` reaches this one.

/**
 * Uploads the request body as `<name>`, written to disk chunk by chunk while progress streams back
 * (or one JSON result with `Accept: application/json`). `Upload-Id` + `Upload-Offset` continue an
 * interrupted upload; `Upload-Length` declares the full size.
 */
export const PUT = route<Context>('PUT /api/uploads/[name]', (request, context, access) =>
  putUpload(request, context, access, request.body && chunksOf(request.body)),
)

/** Downloads `<name>` as an attachment, with `Range` support (`files.ts`). */
export const GET = route<Context>('GET /api/uploads/[name]', getUpload)

/** The download's headers only. */
export const HEAD = route<Context>('HEAD /api/uploads/[name]', getUpload)

/** Deletes `<name>`. */
export const DELETE = route<Context>('DELETE /api/uploads/[name]', removeUpload)
