import { parseWith, route } from '@/lib/http'
import { getUpload, progressEventsResponse } from '@/lib/uploads'
import { lastEventId } from './schema'

export const dynamic = 'force-dynamic'
/** Seconds this route may run on Vercel (it streams for long). */
export const maxDuration = 300

/**
 * Server-Sent Events with the upload's progress, driven by bytes written to disk; a reconnecting
 * client's `Last-Event-ID` (the last snapshot's version) continues after it.
 */
export const GET = route<RouteContext<'/api/uploads/sessions/[id]/events'>>(
  'GET /api/uploads/sessions/[id]/events',
  async (request, { params }) => {
    const session = await getUpload((await params).id)
    const after = parseWith(lastEventId, request.headers.get('last-event-id') ?? undefined, 'Last-Event-ID header')
    return progressEventsResponse(session, request, typeof after === 'number' ? after : undefined)
  },
)
