import { encodeOffset } from '@/lib/durable/offset'
import { rangeBytes, type StreamRequest } from '@/lib/durable/protocol-common'
import { H, isJsonType, mediaType } from '@/lib/durable/protocol-headers'
import type { StreamMeta } from '@/lib/durable/store'
import { AppError } from '@/lib/errors'
import { iterableToStream } from '@/lib/stream'

/**
 * `GET <stream>?download` — an extension for people rather than protocol clients: the whole
 * stream written so far as an attachment, whatever the chunk limit. `?download=gzip` gives a
 * compressed stream's stored gzip bytes as a `.gz` file (no decompression on the server).
 */

const EXTENSIONS: Record<string, string> = {
  'text/csv': 'csv',
  'text/plain': 'txt',
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'text/html': 'html',
  'text/markdown': 'md',
}

function fileName(meta: StreamMeta): string {
  const base = meta.path.slice(meta.path.lastIndexOf('/') + 1).replace(/[^A-Za-z0-9._-]/g, '_')
  return `${meta.namespace ? `${meta.namespace.replaceAll('/', '-')}-` : ''}${base}.${EXTENSIONS[mediaType(meta.contentType)] ?? 'bin'}`
}

export function downloadResponse({ request, store }: StreamRequest, meta: StreamMeta, gzip: boolean): Response {
  const headers = new Headers({ 'Cache-Control': 'no-store', [H.nextOffset]: encodeOffset(meta.tail) })
  if (meta.closed) headers.set(H.closed, 'true')
  if (gzip) {
    const bytes = isJsonType(meta.contentType) ? undefined : store.readCompressed(meta, request.signal)
    if (!bytes)
      throw new AppError(
        'conflict:encoding',
        'This stream is not stored gzip-compressed (only closed non-JSON streams created with compress are)',
      )
    headers.set('Content-Type', 'application/gzip')
    headers.set('Content-Disposition', `attachment; filename="${fileName(meta)}.gz"`)
    return new Response(iterableToStream(bytes), { status: 200, headers })
  }
  headers.set('Content-Type', meta.contentType)
  headers.set('Content-Disposition', `attachment; filename="${fileName(meta)}"`)
  return new Response(iterableToStream(rangeBytes(store, meta, 0, meta.tail), { signal: request.signal }), { status: 200, headers })
}
