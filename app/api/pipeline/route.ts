import os from 'node:os'
import path from 'node:path'
import { config } from '@/lib/config'
import { AppError } from '@/lib/errors'
import { parseQuery, route } from '@/lib/http'
import { transformPipeline } from '@/lib/pipeline'
import { iterableToStream, spool, TEXT_STREAM_HEADERS, throttled } from '@/lib/stream'
import { textContentType, transformQuery } from './schema'

export const dynamic = 'force-dynamic'
/** Seconds this route may run on Vercel (it streams for long). */
export const maxDuration = 300

/**
 * `POST /api/pipeline?filter=word&upper=1[&rate=<bytes/s>]` — streams back NDJSON records (one per kept line, then a
 * summary) while the text body is still arriving. Neither the body nor the result is held in memory.
 */
export const POST = route('POST /api/pipeline', (request) => {
  const { rate, ...options } = parseQuery(request, transformQuery)
  const type = request.headers.get('content-type')
  if (type && !textContentType.test(type)) {
    throw new AppError('unsupported_media_type:body', `Expected a text body, got ${type}`)
  }
  const maxBytes = config().SLUICE_MAX_BODY_BYTES
  const length = Number(request.headers.get('content-length') ?? NaN)
  if (length > maxBytes) throw new AppError('too_large:body', `The body (${length} bytes) is over the limit of ${maxBytes} bytes`)
  if (!request.body || length === 0) throw new AppError('bad_request:body', 'Send the text to transform as the request body')

  const records = transformPipeline(request.body, { ...options, maxBytes })
  // Browsers read the response only after sending the whole body: keep reading it, spooling
  // output the client is not reading yet to disk, instead of deadlocking on backpressure.
  // The OS's temporary directory: writable on a server and in a serverless function (/tmp) alike.
  const spooled = spool(records, { dir: path.join(/*turbopackIgnore: true*/ os.tmpdir(), 'sluice-spool') })
  // Slow motion (`?rate=`): the records leave at that pace while the body is still read at full
  // speed into the spool, so backpressure and Stop can be watched.
  const body = rate ? iterableToStream((signal) => throttled(spooled, rate, signal), { signal: request.signal }) : spooled
  return new Response(body, {
    headers: { ...TEXT_STREAM_HEADERS, 'Content-Type': 'application/x-ndjson; charset=utf-8' },
  })
})
