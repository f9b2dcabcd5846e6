import { openStream } from '@/lib/activity'
import { config } from '@/lib/config'
import { cursorFor } from '@/lib/durable/cursor'
import { isoInstant } from '@/lib/durable/expiry-limits'
import { positionAfterMessages } from '@/lib/durable/json-mode'
import { encodeOffset, readStart, type ReadStart } from '@/lib/durable/offset'
import { etagMatches, liveStream, rangeBytes, readPosition, type StreamRequest } from '@/lib/durable/protocol-common'
import { downloadResponse } from '@/lib/durable/protocol-download'
import { H, isJsonType } from '@/lib/durable/protocol-headers'
import type { StreamMeta, StreamStore } from '@/lib/durable/store'
import { AppError } from '@/lib/errors'
import { iterableToStream, lifetimeDeadline } from '@/lib/stream'

/** The read side without SSE: `HEAD`, catch-up `GET`, and `live=long-poll`. */

const CACHEABLE = 'public, max-age=60, stale-while-revalidate=300'

/** Where a catch-up read from `from` stops: the tail, or a chunk boundary before it. */
async function chunkEnd(store: StreamStore, meta: StreamMeta, from: number): Promise<number> {
  const limit = config().SLUICE_STREAMS_READ_CHUNK_BYTES
  if (limit === 0 || meta.tail - from <= limit) return meta.tail
  if (!isJsonType(meta.contentType)) return from + limit
  // JSON messages are never split: stop after the message that crosses the limit.
  const last = from + limit - 1
  return (await positionAfterMessages(store.read(meta, last, meta.tail), last, 1)) ?? meta.tail
}

/**
 * A `200` with bytes `[from, end)` of the stream (a JSON stream's as an array), or `304` when
 * `If-None-Match` has its ETag. A stream stored gzip is decompressed on the way out: Next.js route
 * handlers cannot send `Content-Encoding` (it strips the header), so `?download=gzip` offers the
 * stored gzip as a file instead.
 */
async function rangeResponse(req: StreamRequest, meta: StreamMeta, from: number, cursor?: string): Promise<Response> {
  const { request, store } = req
  const end = await chunkEnd(store, meta, from)
  const atTail = end === meta.tail
  const closedAtEnd = meta.closed && atTail
  const etag = `"${meta.incarnation}:${from}:${end}${closedAtEnd ? ':c' : ''}"`

  const headers = new Headers({
    'Content-Type': meta.contentType,
    ETag: etag,
    [H.nextOffset]: encodeOffset(end),
    // Data that is complete for good may be cached; an open stream's tail must be revalidated.
    'Cache-Control': atTail && !meta.closed ? 'no-cache' : CACHEABLE,
  })
  if (atTail) headers.set(H.upToDate, 'true')
  if (closedAtEnd) headers.set(H.closed, 'true')
  if (cursor !== undefined) headers.set(H.cursor, cursor)
  if (etagMatches(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers })
  return new Response(iterableToStream(rangeBytes(store, meta, from, end), { signal: request.signal, highWaterMark: 4 }), {
    status: 200,
    headers,
  })
}

/** `offset=now` without waiting: no data, just where the tail is. */
function tailResponse(meta: StreamMeta): Response {
  const headers = new Headers({
    'Content-Type': meta.contentType,
    'Cache-Control': 'no-store',
    [H.nextOffset]: encodeOffset(meta.tail),
    [H.upToDate]: 'true',
  })
  if (meta.closed) headers.set(H.closed, 'true')
  return new Response(isJsonType(meta.contentType) ? '[]' : null, { status: 200, headers })
}

/** A long-poll that found nothing new: `204` with the position, and EOF if closed. */
function noContent(meta: StreamMeta, position: number, cursor: string): Response {
  const headers = new Headers({ 'Cache-Control': 'no-store', [H.nextOffset]: encodeOffset(position), [H.upToDate]: 'true' })
  if (meta.closed) headers.set(H.closed, 'true')
  else headers.set(H.cursor, cursor)
  return new Response(null, { status: 204, headers })
}

/** Reads restart a sliding TTL (writes do so in the store). */
export async function touchIfSliding(store: StreamStore, meta: StreamMeta): Promise<void> {
  if (meta.expiry.kind === 'ttl') await store.touch(meta.path)
}

/** `GET` without `live`: catch-up (or, with `?download`, the whole stream as a file). */
export async function catchUp(req: StreamRequest, start: ReadStart | undefined): Promise<Response> {
  const meta = await liveStream(req.store, req.path)
  await touchIfSliding(req.store, meta)
  const download = req.url.searchParams.get('download')
  if (download !== null) return downloadResponse(req, meta, download === 'gzip')
  const from = start ?? { kind: 'start' }
  if (from.kind === 'now') return tailResponse(meta)
  return rangeResponse(req, meta, await readPosition(req.store, meta, from))
}

/**
 * `GET ?live=long-poll`: data at once if there is some, else wait for it, up to the timeout
 * (`SLUICE_STREAMS_LONG_POLL_MS`, or the server-wide `SLUICE_STREAM_LIFETIME_MS` if shorter), then
 * `204` with `Stream-Next-Offset`: the protocol's "poll again from here".
 */
export async function longPoll(req: StreamRequest, start: ReadStart): Promise<Response> {
  const { store, path, request } = req
  let meta = await liveStream(store, path)
  await touchIfSliding(store, meta)
  const position = await readPosition(store, meta, start)
  const cursor = cursorFor(req.url.searchParams.get('cursor'))
  const deadline = lifetimeDeadline(config().SLUICE_STREAMS_LONG_POLL_MS)
  const release = openStream('durable-long-poll')
  try {
    for (;;) {
      if (position < meta.tail) return await rangeResponse(req, meta, position, cursor)
      const remaining = deadline.remaining()
      if (meta.closed || remaining <= 0) return noContent(meta, position, cursor)
      const outcome = await store.waitForChange(path, position, { signal: request.signal, timeoutMs: remaining })
      if (outcome === 'aborted') return noContent(meta, position, cursor) // nobody is listening any more
      meta = await liveStream(store, path)
    }
  } finally {
    release()
  }
}

/** `HEAD`: metadata only; does not count as a read for TTL purposes. */
export async function headStream({ store, path }: StreamRequest): Promise<Response> {
  const meta = await liveStream(store, path)
  const headers = new Headers({ 'Content-Type': meta.contentType, 'Cache-Control': 'no-store', [H.nextOffset]: encodeOffset(meta.tail) })
  if (meta.expiry.kind === 'ttl') headers.set(H.ttl, String(meta.expiry.seconds))
  const expiresAt = meta.expiry.kind === 'at' ? isoInstant(meta.expiry.at) : null
  if (expiresAt !== null) headers.set(H.expiresAt, expiresAt)
  if (meta.closed) headers.set(H.closed, 'true')
  return new Response(null, { status: 200, headers })
}

/** The `live` and `offset` parameters of a `GET`; live modes need an offset. */
export function readMode(params: URLSearchParams): { live: 'long-poll' | 'sse' | undefined; start: ReadStart | undefined } {
  const live = params.get('live')
  const start = readStart(params)
  if (live !== null && live !== 'long-poll' && live !== 'sse') throw new AppError('bad_request:live', 'live must be long-poll or sse')
  if (live !== null && start === undefined)
    throw new AppError('bad_request:offset', `live=${live} needs an offset (-1 for the start, now for the tail)`)
  return { live: live ?? undefined, start }
}
