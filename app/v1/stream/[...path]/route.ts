import { preflightRoute, streamRoute } from '@/lib/durable'

/** The Durable Streams protocol. All logic lives in `lib/durable/protocol*.ts`. */
export const dynamic = 'force-dynamic'
/** On Vercel: SSE reads (SLUICE_STREAMS_SSE_MAX_MS) and long-polls end well before this. */
export const maxDuration = 300

export const GET = streamRoute('GET')
export const HEAD = streamRoute('HEAD')
export const PUT = streamRoute('PUT')
export const POST = streamRoute('POST')
export const DELETE = streamRoute('DELETE')
export const OPTIONS = preflightRoute
