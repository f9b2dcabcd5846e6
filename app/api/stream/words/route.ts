import { parseQuery, route } from '@/lib/http'
import { iterableResponse } from '@/lib/stream/iterable'
import { words } from '@/lib/words'
import { wordsQuery } from './schema'

export const dynamic = 'force-dynamic'

/** `GET /api/stream/words?count=40&delay=150` — tokens from an async generator, pulled as the client reads. */
export const GET = route((request) => {
  const { count, delay } = parseQuery(request, wordsQuery)
  return iterableResponse((signal) => words({ count, delayMs: delay, signal }), { signal: request.signal })
})
