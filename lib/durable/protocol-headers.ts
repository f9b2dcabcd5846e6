import { MAX_TTL_SECONDS, MIN_PROTOCOL_TTL_SECONDS } from '@/lib/durable/expiry-limits'
import type { Expiry, ProducerClaim } from '@/lib/durable/store'
import { AppError } from '@/lib/errors'
import { STORED_CONTENT_HEADERS } from '@/lib/security-headers'

/** Header names of the Durable Streams protocol, and parsers for their values (PROTOCOL.md §5). */
export const H = {
  nextOffset: 'Stream-Next-Offset',
  upToDate: 'Stream-Up-To-Date',
  closed: 'Stream-Closed',
  cursor: 'Stream-Cursor',
  ttl: 'Stream-TTL',
  expiresAt: 'Stream-Expires-At',
  seq: 'Stream-Seq',
  forkedFrom: 'Stream-Forked-From',
  forkOffset: 'Stream-Fork-Offset',
  forkSubOffset: 'Stream-Fork-Sub-Offset',
  sseEncoding: 'Stream-SSE-Data-Encoding',
  producerId: 'Producer-Id',
  producerEpoch: 'Producer-Epoch',
  producerSeq: 'Producer-Seq',
  expectedSeq: 'Producer-Expected-Seq',
  receivedSeq: 'Producer-Received-Seq',
} as const

/** The protocol's request headers that carry values (what {@link checkProtocolHeaders} looks at). */
const VALUE_HEADERS = [
  H.ttl,
  H.expiresAt,
  H.seq,
  H.closed,
  H.forkedFrom,
  H.forkOffset,
  H.forkSubOffset,
  H.producerId,
  H.producerEpoch,
  H.producerSeq,
]

const REQUEST_HEADERS = ['Authorization', 'Content-Type', 'If-None-Match', ...VALUE_HEADERS]

const EXPOSED_HEADERS = [
  'ETag',
  'Location',
  'Content-Encoding',
  H.nextOffset,
  H.upToDate,
  H.closed,
  H.cursor,
  H.ttl,
  H.expiresAt,
  H.sseEncoding,
  H.producerEpoch,
  H.producerSeq,
  H.expectedSeq,
  H.receivedSeq,
]

/**
 * Headers on every protocol response, errors included: CORS for any origin; the stored bytes are
 * never sniffed, and an HTML or SVG stream opened in a browser is sandboxed (no script runs in
 * Sluice's origin).
 */
export function baseHeaders(): Headers {
  return new Headers({
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Expose-Headers': EXPOSED_HEADERS.join(', '),
    ...STORED_CONTENT_HEADERS,
    'Cross-Origin-Resource-Policy': 'cross-origin',
  })
}

/** The answer to a CORS preflight: the protocol's request headers, plus any the client asks for. */
export function preflightHeaders(requested: string | null): Headers {
  const headers = baseHeaders()
  const allowed = new Set(REQUEST_HEADERS.map((h) => h.toLowerCase()))
  for (const name of requested?.split(',') ?? []) if (/^[a-z0-9-]+$/i.test(name.trim())) allowed.add(name.trim().toLowerCase())
  headers.set('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, DELETE, OPTIONS')
  headers.set('Access-Control-Allow-Headers', [...allowed].join(', '))
  headers.set('Access-Control-Max-Age', '86400')
  return headers
}

/** Longest value of a protocol request header: ids, sequence values, offsets, numbers, instants. */
export const MAX_HEADER_LENGTH = 256
/** Longest `Stream-Forked-From`: a stream path (at most 512 characters) after percent-encoding. */
export const MAX_PATH_HEADER_LENGTH = 2048

/**
 * Refuses protocol request headers that are too long (`bad_request:header_length`) or were sent
 * more than once (`bad_request:header_repeated`). Node.js joins a repeated header into one value
 * with ", " before Next.js builds the `Request` (route handlers never see the raw headers), so
 * `Producer-Id: a` sent twice arrives as `a, a`. A comma is therefore refused in every one of these
 * headers: none of their formats needs one (write a comma in a `Stream-Forked-From` path as `%2C`).
 */
export function checkProtocolHeaders(headers: Headers): void {
  for (const name of VALUE_HEADERS) {
    const value = headers.get(name)
    if (value === null) continue
    const max = name === H.forkedFrom ? MAX_PATH_HEADER_LENGTH : MAX_HEADER_LENGTH
    if (value.length > max) {
      throw new AppError('bad_request:header_length', `${name} is longer than ${max} characters`, {
        details: { header: name, maxLength: max },
      })
    }
    if (value.includes(',')) {
      throw new AppError(
        'bad_request:header_repeated',
        `${name} was sent more than once, or contains a comma (which no protocol header value may)`,
        { details: { header: name } },
      )
    }
  }
}

/** `Stream-Closed` counts only when exactly `true` (any case); other values are ignored. */
export function closedFlag(headers: Headers): boolean {
  return headers.get(H.closed)?.toLowerCase() === 'true'
}

const DECIMAL = /^(0|[1-9]\d*)$/

/** A non-negative decimal integer without sign, leading zeros, point or exponent. */
export function parseCount(value: string, header: string): number {
  const n = Number(value)
  if (!DECIMAL.test(value) || !Number.isSafeInteger(n)) {
    throw new AppError('bad_request:header', `${header} must be a non-negative integer without sign or leading zeros`)
  }
  return n
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/

/**
 * The expiry a create request asks for (`Stream-TTL` or `Stream-Expires-At`, not both), within
 * the bounds every stream has: a TTL of 1 s to 90 days (`bad_request:ttl`), an instant in the
 * future and at most 90 days after `now` (`bad_request:expiry`).
 */
export function requestedExpiry(headers: Headers, now = Date.now()): Expiry | undefined {
  const ttl = headers.get(H.ttl)
  const at = headers.get(H.expiresAt)
  if (ttl !== null && at !== null) throw new AppError('bad_request:expiry', `Give ${H.ttl} or ${H.expiresAt}, not both`)
  if (ttl !== null) {
    const seconds = parseCount(ttl, H.ttl)
    if (seconds < MIN_PROTOCOL_TTL_SECONDS || seconds > MAX_TTL_SECONDS) {
      throw new AppError(
        'bad_request:ttl',
        `${H.ttl} must be whole seconds from ${MIN_PROTOCOL_TTL_SECONDS} to ${MAX_TTL_SECONDS} (90 days); omit it for a stream that does not expire`,
      )
    }
    return { kind: 'ttl', seconds }
  }
  if (at !== null) {
    const instant = Date.parse(at)
    if (!RFC3339.test(at) || Number.isNaN(instant)) throw new AppError('bad_request:expiry', `${H.expiresAt} must be an RFC 3339 timestamp`)
    if (instant <= now || instant > now + MAX_TTL_SECONDS * 1000) {
      throw new AppError('bad_request:expiry', `${H.expiresAt} must be in the future and at most 90 days ahead`)
    }
    return { kind: 'at', at: instant }
  }
  return undefined
}

/** The producer headers: all three or none. */
export function producerClaim(headers: Headers): ProducerClaim | undefined {
  const id = headers.get(H.producerId)
  const epoch = headers.get(H.producerEpoch)
  const seq = headers.get(H.producerSeq)
  if (id === null && epoch === null && seq === null) return undefined
  if (id === null || epoch === null || seq === null) {
    throw new AppError('bad_request:producer', `${H.producerId}, ${H.producerEpoch} and ${H.producerSeq} go together`)
  }
  if (id === '') throw new AppError('bad_request:producer', `${H.producerId} must not be empty`)
  return { id, epoch: parseCount(epoch, H.producerEpoch), seq: parseCount(seq, H.producerSeq) }
}

const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/

/** The media type of a Content-Type value, lower-cased, without parameters; 400 if malformed. */
export function mediaType(contentType: string): string {
  const type = contentType.split(';')[0]!.trim().toLowerCase()
  if (!MEDIA_TYPE.test(type)) throw new AppError('bad_request:content_type', `Malformed Content-Type ${JSON.stringify(contentType)}`)
  return type
}

/** JSON mode (PROTOCOL.md §9.1) is for `application/json` exactly. */
export function isJsonType(contentType: string): boolean {
  return mediaType(contentType) === 'application/json'
}

/** SSE carries `text/*` and JSON as text; everything else base64-encoded. */
export function isTextType(contentType: string): boolean {
  const type = mediaType(contentType)
  return type.startsWith('text/') || type === 'application/json'
}
