import { config } from '@/lib/config'
import { AppError } from '@/lib/errors'
import { parseQuery, route } from '@/lib/http'
import { transformPipeline } from '@/lib/pipeline'
import { TEXT_STREAM_HEADERS } from '@/lib/stream/iterable'
import { textContentType, transformQuery } from './schema'

export const dynamic = 'force-dynamic'

/**
 * `POST /api/transform?filter=word&upper=1` — streams back NDJSON records (one per kept line, then a
 * summary) while the text body is still arriving. The body is never buffered whole.
 */
export const POST = route((request) => {
  const options = parseQuery(request, transformQuery)
  const type = request.headers.get('content-type')
  if (type && !textContentType.test(type)) {
    throw new AppError('unsupported_media_type:body', `Expected a text body, got ${type}`)
  }
  const maxBytes = config().SLUICE_MAX_BODY_BYTES
  const length = Number(request.headers.get('content-length') ?? NaN)
  if (length > maxBytes) throw new AppError('too_large:body', `The body (${length} bytes) is over the limit of ${maxBytes} bytes`)
  if (!request.body || length === 0) throw new AppError('bad_request:body', 'Send the text to transform as the request body')

  return new Response(transformPipeline(request.body, { ...options, maxBytes }), {
    headers: { ...TEXT_STREAM_HEADERS, 'Content-Type': 'application/x-ndjson; charset=utf-8' },
  })
})
