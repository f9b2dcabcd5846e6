import { dropFeedConnections } from '@/lib/feed'
import { json, route } from '@/lib/http'

export const dynamic = 'force-dynamic'

/** `POST /api/feed/drop` — the server closes every open feed connection, as a network drop would. */
export const POST = route(() => json({ dropped: dropFeedConnections() }))
