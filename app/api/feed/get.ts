import { latestFeedId, subscribeFeed } from '@/lib/feed'
import { parseQuery, parseWith, type Access } from '@/lib/http'
import { reconnectEvent, sseResponse } from '@/lib/stream'
import { feedQuery, lastEventId } from './schema'

/**
 * `GET /api/feed`, whichever transport brought it: the Pages API route at the public URL
 * (`pages/api/feed.ts`, which holds an open reader in less memory) and its App Router twin at
 * `/api/app-router/feed` (`app/api/app-router/feed/route.ts`) both call this (`npm run bench:live`
 * measures the two).
 *
 * Server-Sent Events of this instance's live metrics, one per interval, each with an increasing
 * `id`. A reconnecting client (`Last-Event-ID` header, or `?lastEventId=`) first gets every sample
 * it missed that is still in the replay buffer. At its lifetime (`SLUICE_STREAM_LIFETIME_MS`) the
 * response ends with `event: reconnect` whose `id` is the last sample's: `EventSource` reconnects
 * by itself and sends it back as `Last-Event-ID`.
 */
export function getFeed(request: Request, _context: unknown, access: Access): Response {
  const query = parseQuery(request, feedQuery)
  const header = parseWith(lastEventId, request.headers.get('last-event-id') ?? undefined, 'Last-Event-ID header')
  // Without an id the client wants live samples only: from the latest one, so that the end at the
  // lifetime can name a position even when nothing was sent yet.
  let last = [header, query.lastEventId].find((v): v is number => typeof v === 'number') ?? latestFeedId()
  return sseResponse(
    async function* (signal) {
      for await (const sample of subscribeFeed(last, signal, access.visitor)) {
        last = sample.id
        yield { event: 'metrics', id: sample.id, data: sample }
      }
    },
    // The feed never ends by itself: no `done` event, so a dropped connection reconnects.
    { signal: request.signal, retry: 1_000, done: false, lifetime: { end: () => reconnectEvent(last) } },
  )
}
