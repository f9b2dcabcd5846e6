import { route } from '@/lib/http'
import { progressEventsResponse } from '@/lib/uploads/responses'
import { getUpload } from '@/lib/uploads/sessions'

export const dynamic = 'force-dynamic'
/** Seconds this route may run on Vercel (it streams for long). */
export const maxDuration = 300

/** Server-Sent Events with the upload's progress, driven by bytes written to disk. */
export const GET = route<{ params: Promise<{ id: string }> }>('GET /api/uploads/sessions/[id]/events', async (request, { params }) => {
  const session = await getUpload((await params).id)
  return progressEventsResponse(session, request)
})
