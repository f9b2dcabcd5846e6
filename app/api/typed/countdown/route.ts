import { countdownStream, streamRoute } from '@/lib/typed'

/** Seconds this route may run on Vercel (it streams for long). */
export const maxDuration = 300

/** POST (JSON input) or GET (query input) opens the stream as SSE; DELETE ?stream=<id> cancels it. */
export const { GET, POST, DELETE } = streamRoute(countdownStream, { path: '/api/typed/countdown' })
