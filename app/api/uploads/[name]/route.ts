import { json, route } from '@/lib/http'
import { chunksOf, deleteUpload, downloadResponse } from '@/lib/uploads'
import { putUpload } from './put'

export const dynamic = 'force-dynamic'
/** Seconds this route may run on Vercel (it streams for long). */
export const maxDuration = 300

type Context = RouteContext<'/api/uploads/[name]'>

/**
 * Uploads the request body as `<name>`, written to disk chunk by chunk while progress streams back
 * (or one JSON result with `Accept: application/json`). `Upload-Id` + `Upload-Offset` continue an
 * interrupted upload; `Upload-Length` declares the full size.
 */
export const PUT = route<Context>('PUT /api/uploads/[name]', (request, context, access) =>
  putUpload(request, context, access, request.body && chunksOf(request.body)),
)

/** Downloads `<name>` as an attachment, with `Range` support. */
export const GET = route<Context>('GET /api/uploads/[name]', async (request, { params }) => downloadResponse((await params).name, request))

/** The download's headers only. */
export const HEAD = route<Context>('HEAD /api/uploads/[name]', async (request, { params }) =>
  downloadResponse((await params).name, request),
)

/** Deletes `<name>`. */
export const DELETE = route<Context>('DELETE /api/uploads/[name]', async (_request, { params }, access) => {
  const { name } = await params
  await deleteUpload(name)
  await access.release('upload', name)
  return json({ deleted: name })
})
