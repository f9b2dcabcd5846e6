import { answerStream, streamRoute } from '@/lib/typed'

/** Seconds this route may run on Vercel (a long answer streams for a while). */
export const maxDuration = 300

/**
 * POST (JSON input) streams a model answer as typed frames; DELETE ?stream=<id> cancels it, which
 * aborts the model call. No GET: an `EventSource` would reconnect and pay for the answer twice.
 * It counts against the chat answers' running cap: both are model calls.
 */
export const { POST, DELETE } = streamRoute(answerStream, { path: '/api/typed/answer', running: 'chat' })
