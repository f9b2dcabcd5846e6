import { json, route } from '@/lib/http'
import { cancelUpload, getUpload, progressHeaders } from '@/lib/uploads'

export const dynamic = 'force-dynamic'
/** Seconds this route may run on Vercel (it streams for long). */
export const maxDuration = 300

type Context = RouteContext<'/api/uploads/sessions/[id]'>

/** The upload's progress as JSON; its `offset` is where a resume continues. */
export const GET = route<Context>('GET /api/uploads/sessions/[id]', async (_request, { params }) => {
  const { progress } = await getUpload((await params).id)
  return json(progress.value, { headers: progressHeaders(progress.value) })
})

/** The resume offset only, in `Upload-Offset` (and `Upload-Length` when declared). */
export const HEAD = route<Context>('HEAD /api/uploads/sessions/[id]', async (_request, { params }) => {
  const { progress } = await getUpload((await params).id)
  return new Response(null, { status: 200, headers: progressHeaders(progress.value) })
})

/** Cancels the upload: stops its request and removes its bytes. */
export const DELETE = route<Context>('DELETE /api/uploads/sessions/[id]', async (_request, { params }) => {
  const progress = await cancelUpload((await params).id)
  return json(progress, { headers: progressHeaders(progress) })
})
