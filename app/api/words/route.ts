import { parseQuery, route } from '@/lib/http'
import { iterableResponse } from '@/lib/stream'
import { words } from '@/lib/words'
import { wordsQuery } from './schema'

export const dynamic = 'force-dynamic'
/** Seconds this route may run on Vercel (it streams for long). */
export const maxDuration = 300

/**
 * `GET /api/words?count=40&delay=150` — tokens from an async generator, pulled as the client reads.
 * `&stamp=1` follows each token with its production time (`@<epoch ms>\n`), for the benchmark.
 */
export const GET = route('GET /api/words', (request) => {
  const { count, delay, stamp } = parseQuery(request, wordsQuery)
  return iterableResponse((signal) => words({ count, delayMs: delay, stamp, signal }), { signal: request.signal })
})
