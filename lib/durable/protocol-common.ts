import { endsWithLineBreak, jsonArray } from '@/lib/durable/json-mode'
import { encodeOffset, startPosition, type ReadStart } from '@/lib/durable/offset'
import { isJsonType } from '@/lib/durable/protocol-headers'
import type { StreamMeta, StreamStore } from '@/lib/durable/store'
import { STREAM_ROUTE } from '@/lib/durable/stream-route'
import { AppError } from '@/lib/errors'
import { requestOrigin } from '@/lib/forwarded'

/**
 * What every protocol handler needs: the request (method, URL, headers, signal), the stream path,
 * the store, and the request body as plain bytes — `request.body` behind an App Router route
 * handler, Node's `IncomingMessage` behind a Pages API route (`null`: none).
 */
export interface StreamRequest {
  request: Request
  url: URL
  path: string
  store: StreamStore
  body: AsyncIterable<Uint8Array> | null
}

export { STREAM_ROUTE }

const MAX_PATH = 512
const CONTROL = /[\u0000-\u001f\u007f]/

/** The stream path from the route's `[...path]` segments (already percent-decoded by Next.js). */
export function streamPath(segments: readonly string[]): string {
  if (segments.length === 0) throw new AppError('not_found:stream', 'No stream path given')
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..' || CONTROL.test(segment)) {
      throw new AppError('bad_request:path', `Invalid stream path segment ${JSON.stringify(segment)}`)
    }
  }
  const path = segments.join('/')
  if (path.length > MAX_PATH) throw new AppError('bad_request:path', `Stream paths are at most ${MAX_PATH} characters`)
  if (segments[0] === '__ds') throw new AppError('not_found:subscriptions', 'Subscriptions (the reserved __ds prefix) are not supported')
  return path
}

/** A stream path from a header value: `/v1/stream/a/b` or the stream-root-relative `a/b`. */
export function streamPathFromHeader(value: string): string {
  const relative = value.startsWith(STREAM_ROUTE) ? value.slice(STREAM_ROUTE.length) : value.replace(/^\/+/, '')
  try {
    return streamPath(relative.split('/').map(decodeURIComponent))
  } catch (error) {
    if (error instanceof URIError) throw new AppError('bad_request:path', `Malformed stream path ${JSON.stringify(value)}`)
    throw error
  }
}

/** The absolute URL of a stream, on the origin the client used (forwarding headers only if trusted: `lib/forwarded.ts`). */
export function streamUrl(request: Request, path: string): string {
  return requestOrigin(request) + STREAM_ROUTE + path.split('/').map(encodeURIComponent).join('/')
}

/** The live stream at `path`, or the protocol's 404 / 410. */
export async function liveStream(store: StreamStore, path: string): Promise<StreamMeta> {
  const found = await store.lookup(path)
  if (found.state === 'missing') throw new AppError('not_found:stream', `No stream at ${path}`)
  if (found.state === 'gone') throw new AppError('gone:stream', `The stream at ${path} was deleted`)
  return found.meta
}

const EMPTY = new Uint8Array(0)

/** The request body, refused with 413 beyond `limit` bytes (checked while it streams in). */
export async function readBody({ request, body }: StreamRequest, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? NaN)
  const tooLarge = () => new AppError('too_large:append', `Appends are limited to ${limit} bytes`)
  if (declared > limit) throw tooLarge()
  if (!body || declared === 0) return EMPTY
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.byteLength
    if (size > limit) throw tooLarge()
    chunks.push(chunk)
  }
  if (chunks.length === 1) return chunks[0]!
  const joined = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    joined.set(chunk, at)
    at += chunk.byteLength
  }
  return joined
}

/**
 * Is byte `position` of a JSON stream a message boundary: the start, the tail, or just after a
 * stored line break? Every offset the server hands out is one; any other would split a message.
 */
export async function isMessageBoundary(store: StreamStore, meta: StreamMeta, position: number): Promise<boolean> {
  if (position === 0 || position === meta.tail) return true
  return endsWithLineBreak(store.read(meta, position - 1, position))
}

/**
 * The byte position a read from `start` begins at: 400 past the tail, and on a JSON stream 400
 * unless it is a message boundary (a read from inside a message would return broken JSON).
 */
export async function readPosition(store: StreamStore, meta: StreamMeta, start: ReadStart): Promise<number> {
  const position = startPosition(start, meta.tail)
  if (start.kind === 'at' && isJsonType(meta.contentType) && !(await isMessageBoundary(store, meta, position))) {
    throw new AppError(
      'bad_request:offset',
      `The offset ${encodeOffset(position)} is inside a JSON message: read from an offset the server returned`,
    )
  }
  return position
}

/** Does an `If-None-Match` header match `etag`? */
export function etagMatches(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) return false
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim()
    return t === '*' || t === etag || t === `W/${etag}`
  })
}

/** Bytes `[from, end)` as the client sees them: a JSON stream's messages as one array. */
export function rangeBytes(store: StreamStore, meta: StreamMeta, from: number, end: number) {
  return (signal: AbortSignal) => {
    const bytes = store.read(meta, from, end, signal)
    return isJsonType(meta.contentType) ? jsonArray(bytes, end - from) : bytes
  }
}
