import { config } from '@/lib/config'
import { encodeJsonBody } from '@/lib/durable/json-mode'
import { encodeOffset } from '@/lib/durable/offset'
import { liveStream, readBody, streamUrl, type StreamRequest } from '@/lib/durable/protocol-common'
import { forkRequest, resolveFork, sameFork } from '@/lib/durable/protocol-fork'
import { checkProtocolHeaders, closedFlag, H, isJsonType, mediaType, producerClaim, requestedExpiry } from '@/lib/durable/protocol-headers'
import { appendInFlight, gapMayClose } from '@/lib/durable/producer-order'
import type { AppendOutcome, Expiry, ProducerClaim, StreamMeta } from '@/lib/durable/store'
import { AppError } from '@/lib/errors'

/** The write side of the protocol: `PUT` (create, fork), `POST` (append, close), `DELETE`. */

function sameExpiry(a: Expiry, b: Expiry): boolean {
  if (a.kind === 'ttl' && b.kind === 'ttl') return a.seconds === b.seconds
  if (a.kind === 'at' && b.kind === 'at') return a.at === b.at
  return a.kind === b.kind
}

function streamHeaders(meta: StreamMeta): Headers {
  const headers = new Headers({ 'Content-Type': meta.contentType, [H.nextOffset]: encodeOffset(meta.tail) })
  if (meta.closed) headers.set(H.closed, 'true')
  return headers
}

/** `PUT`: create a stream (optionally closed, with content, or as a fork); idempotent. */
export async function createStream(req: StreamRequest): Promise<Response> {
  const { request, path, store } = req
  const headers = request.headers
  checkProtocolHeaders(headers)
  const closed = closedFlag(headers)
  const expiry = requestedExpiry(headers)
  const fork = forkRequest(headers)
  const declaredType = headers.get('content-type')
  if (declaredType !== null) mediaType(declaredType)
  const body = await readBody(req, config().SLUICE_STREAMS_MAX_APPEND_BYTES)

  const resolved = fork && (await resolveFork(store, fork, declaredType, expiry))
  const contentType = resolved?.contentType ?? declaredType ?? 'application/octet-stream'
  const wanted = { expiry: resolved?.expiry ?? expiry ?? { kind: 'none' as const }, origin: resolved?.origin }
  const initial = body.byteLength === 0 ? undefined : isJsonType(contentType) ? encodeJsonBody(body, { allowEmpty: true }) : body

  const outcome = await store.create(path, { contentType, expiry: wanted.expiry, closed, initial, fork: wanted.origin })
  switch (outcome.kind) {
    case 'created': {
      const response = streamHeaders(outcome.meta)
      response.set('Location', streamUrl(request, path))
      return new Response(null, { status: 201, headers: response })
    }
    case 'exists': {
      const meta = outcome.meta
      const same =
        mediaType(meta.contentType) === mediaType(contentType) &&
        sameExpiry(meta.expiry, wanted.expiry) &&
        meta.closed === closed &&
        sameFork(meta.fork, wanted.origin)
      if (!same) throw new AppError('conflict:stream', `A stream with a different configuration exists at ${path}`)
      return new Response(null, { status: 200, headers: streamHeaders(meta) })
    }
    case 'gone':
      throw new AppError('conflict:stream', `The path ${path} belongs to a deleted stream that forks still use`)
    case 'source-missing':
      throw new AppError('not_found:source', 'The fork source no longer exists')
    case 'source-gone':
      throw new AppError('conflict:source', 'The fork source was deleted')
    case 'fork-out-of-range':
      throw new AppError('bad_request:fork_offset', `${H.forkOffset} is beyond the end of the source`)
  }
}

/** `POST`: append (JSON bodies become messages), close, or both; producer and sequence checks. */
export async function appendToStream(req: StreamRequest): Promise<Response> {
  const { request, path, store } = req
  const headers = request.headers
  checkProtocolHeaders(headers)
  const close = closedFlag(headers)
  const producer = producerClaim(headers)
  const streamSeq = headers.get(H.seq) ?? undefined
  const over = producer && appendInFlight(store, path, producer)
  try {
    return await append(req, { close, producer, streamSeq })
  } finally {
    over?.()
  }
}

async function append(
  req: StreamRequest,
  { close, producer, streamSeq }: { close: boolean; producer: ProducerClaim | undefined; streamSeq: string | undefined },
): Promise<Response> {
  const { request, path, store } = req
  const headers = request.headers
  const body = await readBody(req, config().SLUICE_STREAMS_MAX_APPEND_BYTES)
  const meta = await liveStream(store, path)

  let data = body
  if (body.byteLength === 0) {
    if (!close) throw new AppError('bad_request:empty', `An append needs a body (an empty one only with ${H.closed}: true)`)
  } else if (!meta.closed) {
    // A closed stream answers 409 whatever the body: that check comes first (and in the store).
    const type = headers.get('content-type')
    if (type === null) throw new AppError('bad_request:content_type', 'An append with a body needs a Content-Type')
    if (mediaType(type) !== mediaType(meta.contentType)) {
      throw new AppError('conflict:content_type', `The stream's content type is ${meta.contentType}, not ${type}`)
    }
    if (isJsonType(meta.contentType)) data = encodeJsonBody(body, { allowEmpty: false })
  }
  const input = { data, close, producer, streamSeq, incarnation: meta.incarnation }
  let outcome = await store.append(path, input)
  // Ahead of an earlier batch of the same producer that is still on its way (a new epoch starts
  // at 0): wait for it, instead of the 409 (or 400) that makes the client send this one again.
  while (producer && (outcome.kind === 'seq-gap' || outcome.kind === 'bad-epoch-start')) {
    const expected = outcome.kind === 'seq-gap' ? outcome.expected : 0
    if (!(await gapMayClose(store, path, producer, expected))) break
    outcome = await store.append(path, input)
  }
  return appendResponse(outcome, data.byteLength > 0)
}

function appendResponse(outcome: AppendOutcome, hadData: boolean): Response {
  switch (outcome.kind) {
    case 'ok': {
      const headers = new Headers({ [H.nextOffset]: encodeOffset(outcome.tail) })
      if (outcome.closed) headers.set(H.closed, 'true')
      if (outcome.producer) {
        headers.set(H.producerEpoch, String(outcome.producer.epoch))
        headers.set(H.producerSeq, String(outcome.producer.seq))
      }
      // 200 tells a producer "new data accepted"; 204 is a plain append, a close, or a retry.
      const status = outcome.producer && !outcome.duplicate && hadData ? 200 : 204
      return new Response(null, { status, headers })
    }
    case 'missing':
      throw new AppError('not_found:stream', 'The stream no longer exists')
    case 'gone':
      throw new AppError('gone:stream', 'The stream was deleted')
    case 'closed':
      throw new AppError('conflict:closed', 'The stream is closed', {
        headers: { [H.closed]: 'true', [H.nextOffset]: encodeOffset(outcome.tail) },
      })
    case 'stale-epoch':
      throw new AppError('forbidden:producer_epoch', 'A newer epoch of this producer exists', {
        headers: { [H.producerEpoch]: String(outcome.epoch) },
      })
    case 'bad-epoch-start':
      throw new AppError('bad_request:producer_seq', 'A new producer epoch must start at sequence 0')
    case 'seq-gap':
      throw new AppError('conflict:producer_seq', `Expected producer sequence ${outcome.expected}, got ${outcome.received}`, {
        headers: { [H.expectedSeq]: String(outcome.expected), [H.receivedSeq]: String(outcome.received) },
      })
    case 'stream-seq-regression':
      throw new AppError('conflict:seq', `${H.seq} must be greater than ${JSON.stringify(outcome.last)}`)
  }
}

/** `DELETE`: soft-deleted instead while forks of the stream exist. */
export async function deleteStream({ path, store }: StreamRequest): Promise<Response> {
  const outcome = await store.delete(path)
  if (outcome === 'missing') throw new AppError('not_found:stream', `No stream at ${path}`)
  if (outcome === 'gone') throw new AppError('gone:stream', `The stream at ${path} was already deleted`)
  return new Response(null, { status: 204 })
}
