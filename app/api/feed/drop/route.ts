import { dropFeedConnections } from '@/lib/feed'
import { json, route } from '@/lib/http'

export const dynamic = 'force-dynamic'

/**
 * `POST /api/feed/drop` — the server closes the caller's open feed connections, as a network drop
 * would (the operator's call closes every one).
 */
export const POST = route('POST /api/feed/drop', (_request, _context, access) =>
  json({ dropped: dropFeedConnections(access.operator ? undefined : access.identity()) }),
)
