import { config } from '@/lib/config'
import { streamUrl } from '@/lib/durable'
import { AppError } from '@/lib/errors'
import { parseQuery, route } from '@/lib/http'
import { rowsFormat, startRowsExport } from '@/lib/jobs'
import { TEXT_STREAM_HEADERS } from '@/lib/stream'
import { rowsExportQuery } from './schema'

export const dynamic = 'force-dynamic'
/** Seconds this route may run on Vercel (it reads the body for as long as it is sent). */
export const maxDuration = 300

/**
 * `POST /api/jobs/export/rows?columns=a,b` with rows as a JSON array or NDJSON: the rows go into a
 * new durable CSV stream the caller owns, as the body arrives. Answers 202 once the stream holds the
 * first rows — an NDJSON body whose first line is `{ id, url }` — and keeps the response open
 * until the request body has ended; its last line is `{ rows, bytes }`, or the error (the stream
 * is then deleted). Bad input up to the first rows is a 4xx and nothing is created.
 */
export const POST = route('POST /api/jobs/export/rows', async (request, _context, access) => {
  const { columns } = parseQuery(request, rowsExportQuery)
  const format = rowsFormat(request.headers.get('content-type'))
  const maxBytes = config().SLUICE_MAX_BODY_BYTES
  const length = Number(request.headers.get('content-length') ?? NaN)
  if (length > maxBytes) throw new AppError('too_large:body', `The body (${length} bytes) is over the limit of ${maxBytes} bytes`)

  const started = await startRowsExport(request.body, { format, columns, maxBytes }, access.visitor)
  const id = started.writer.id
  try {
    await access.claim('stream', id)
  } catch (error) {
    await started.abandon()
    throw error
  }
  const url = streamUrl(request, id)
  const body = started.respond({ id, url }, () => access.release('stream', id))
  return new Response(body, {
    status: 202,
    headers: { ...TEXT_STREAM_HEADERS, 'Cache-Control': 'no-store', 'Content-Type': 'application/x-ndjson; charset=utf-8', Location: url },
  })
})
