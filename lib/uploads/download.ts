import type { FileHandle } from 'node:fs/promises'
import { AppError } from '@/lib/errors'
import { STORED_CONTENT_HEADERS } from '@/lib/security-headers'
import { iterableToStream } from '@/lib/stream'
import { openUpload, type OpenedUpload } from '@/lib/uploads/files'
import { parseRange } from '@/lib/uploads/range'

const CHUNK = 64 * 1024

/** Reads bytes `start..end` (inclusive), one chunk each time the consumer pulls. */
async function* readRange(handle: FileHandle, start: number, end: number): AsyncGenerator<Uint8Array> {
  let position = start
  while (position <= end) {
    const buffer = new Uint8Array(Math.min(CHUNK, end - position + 1))
    const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, position)
    if (bytesRead === 0) return
    position += bytesRead
    yield bytesRead === buffer.byteLength ? buffer : buffer.subarray(0, bytesRead)
  }
}

/**
 * `filename` for ASCII clients and `filename*` (RFC 8187) for the real name; quotes, backslashes
 * and non-ASCII characters never reach the quoted form.
 */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_')
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`
}

function baseHeaders(upload: OpenedUpload): Headers {
  const { info, mtimeMs } = upload
  const headers = new Headers({
    // Never the type the uploader claimed: served as opaque bytes, saved rather than shown, and
    // sandboxed, so an uploaded HTML or SVG file cannot run script in Sluice's origin.
    'Content-Type': 'application/octet-stream',
    'Content-Disposition': contentDisposition(info.name),
    ...STORED_CONTENT_HEADERS,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-cache',
    'Last-Modified': new Date(mtimeMs).toUTCString(),
    ETag: `"${info.size.toString(36)}-${Math.floor(mtimeMs).toString(36)}"`,
  })
  if (info.sha256) headers.set('Repr-Digest', `sha-256=:${Buffer.from(info.sha256, 'hex').toString('base64')}:`)
  return headers
}

/**
 * The response for `GET` (or `HEAD`) of a finished upload: the whole file (200), one range of it
 * (206 with `Content-Range`), or 416 for a range past the end. `If-Range` is honoured: a range is
 * served only if the validator still matches, otherwise the whole file.
 */
export async function downloadResponse(name: string, request: Request): Promise<Response> {
  const upload = await openUpload(name)
  const { handle, info } = upload
  const headers = baseHeaders(upload)
  const ifRange = request.headers.get('if-range')
  const rangeHeader =
    ifRange === null || ifRange === headers.get('ETag') || ifRange === headers.get('Last-Modified') ? request.headers.get('range') : null
  const range = parseRange(rangeHeader, info.size)

  if (range === 'unsatisfiable') {
    await handle.close()
    const error = new AppError('range_not_satisfiable:upload', `The range is outside the ${info.size} bytes of the file`)
    return error.toResponse({ 'Content-Range': `bytes */${info.size}`, 'Accept-Ranges': 'bytes' })
  }
  const { start, end } = range ?? { start: 0, end: info.size - 1 }
  // Next.js 16 drops Content-Length from route handler responses (FORBIDDEN_HEADERS in
  // next/dist/server/send-response.js) and sends the body chunked; it is set for other hosts.
  headers.set('Content-Length', String(end - start + 1))
  if (range) headers.set('Content-Range', `bytes ${start}-${end}/${info.size}`)
  const status = range ? 206 : 200
  if (request.method === 'HEAD' || info.size === 0) {
    await handle.close()
    return new Response(null, { status, headers })
  }
  // The file is closed however the stream ends: read to the end, cancelled, or failed.
  const body = iterableToStream(readRange(handle, start, end), { signal: request.signal, onEnd: () => void handle.close().catch(() => {}) })
  return new Response(body, { status, headers })
}
