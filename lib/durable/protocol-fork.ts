import { positionAfterMessages } from '@/lib/durable/json-mode'
import { decodeOffset } from '@/lib/durable/offset'
import { isMessageBoundary, streamPathFromHeader } from '@/lib/durable/protocol-common'
import { H, isJsonType, mediaType, parseCount } from '@/lib/durable/protocol-headers'
import type { Expiry, ForkOrigin, StreamStore } from '@/lib/durable/store'
import { AppError } from '@/lib/errors'

/**
 * Forks (PROTOCOL.md §4.2): a `PUT` with `Stream-Forked-From` creates a stream that starts with
 * the source's bytes up to a divergence point. The store copies those bytes, so a fork is an
 * ordinary stream afterwards; this module only works out *which* bytes, and the fork's type and
 * expiry.
 */

export interface ForkRequest {
  source: string
  /** The divergence point as given (`Stream-Fork-Offset`); the source's tail if absent. */
  anchor: number | undefined
  subOffset: number
}

/** The fork headers of a create request, if it is a fork. */
export function forkRequest(headers: Headers): ForkRequest | undefined {
  const from = headers.get(H.forkedFrom)
  const offset = headers.get(H.forkOffset)
  const sub = headers.get(H.forkSubOffset)
  if (from === null) {
    if (offset !== null || sub !== null)
      throw new AppError('bad_request:fork', `${H.forkOffset} and ${H.forkSubOffset} need ${H.forkedFrom}`)
    return undefined
  }
  return {
    source: streamPathFromHeader(from),
    anchor: offset === null ? undefined : decodeOffset(offset, 'fork offset'),
    subOffset: sub === null ? 0 : parseCount(sub, H.forkSubOffset),
  }
}

export interface ResolvedFork {
  origin: ForkOrigin
  contentType: string
  expiry: Expiry
}

/**
 * Resolves a fork against its source: the byte position it inherits up to, its content type
 * (inherited, or checked against the source's) and its expiry (its own, or the source's kind
 * and value — a TTL window or a fixed instant).
 */
export async function resolveFork(
  store: StreamStore,
  request: ForkRequest,
  declaredType: string | null,
  expiry: Expiry | undefined,
): Promise<ResolvedFork> {
  const found = await store.lookup(request.source)
  if (found.state === 'missing') throw new AppError('not_found:source', `No stream at ${request.source} to fork`)
  if (found.state === 'gone') throw new AppError('conflict:source', `The stream at ${request.source} was deleted and cannot be forked`)
  const source = found.meta
  if (declaredType !== null && mediaType(declaredType) !== mediaType(source.contentType)) {
    throw new AppError('conflict:content_type', `A fork has its source's content type, ${source.contentType}`)
  }
  const anchor = request.anchor ?? source.tail
  if (anchor > source.tail) throw new AppError('bad_request:fork_offset', `${H.forkOffset} is beyond the end of the source`)
  if (isJsonType(source.contentType) && !(await isMessageBoundary(store, source, anchor))) {
    throw new AppError('bad_request:fork_offset', `${H.forkOffset} is inside a JSON message of the source`)
  }

  let position: number | undefined = anchor + request.subOffset
  if (request.subOffset > 0 && isJsonType(source.contentType)) {
    position = await positionAfterMessages(store.read(source, anchor, source.tail), anchor, request.subOffset)
  }
  if (position === undefined || position > source.tail) {
    throw new AppError('bad_request:fork_sub_offset', `${H.forkSubOffset} points past the end of the source`)
  }
  return {
    origin: { source: request.source, position, anchor, subOffset: request.subOffset },
    contentType: declaredType ?? source.contentType,
    expiry: expiry ?? source.expiry,
  }
}

/** Is an existing fork the one this request describes? (For idempotent re-creation.) */
export function sameFork(existing: ForkOrigin | undefined, requested: ForkOrigin | undefined): boolean {
  if (!existing || !requested) return existing === requested
  return existing.source === requested.source && existing.anchor === requested.anchor && existing.subOffset === requested.subOffset
}
