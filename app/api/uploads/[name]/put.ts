import { parseQuery, parseWith, type Access } from '@/lib/http'
import { throttled } from '@/lib/stream'
import { receiveUpload, uploadResponse } from '@/lib/uploads'
import { readUploadHeaders, uploadHeaders, uploadQuery } from './schema'

/**
 * The upload `PUT`, whichever transport brought it: the App Router route handler (`route.ts`, the
 * body as a Web stream) and the Pages API route (`pages/api/node/uploads/[name].ts`, the raw Node
 * request) both call this with the body as an async iterable of bytes. Slow motion (`?rate=`)
 * reads that body no faster than the rate: the server pulls less, so TCP backpressure slows the
 * sender and nothing piles up in memory.
 */
export async function putUpload(
  request: Request,
  { params }: { params: Promise<{ name: string }> },
  access: Access,
  body: AsyncIterable<Uint8Array> | null,
): Promise<Response> {
  const { name } = await params
  const headers = parseWith(uploadHeaders, readUploadHeaders(request), 'headers')
  const { rate } = parseQuery(request, uploadQuery)
  if (headers['upload-id'] !== undefined) await access.require('upload-session', headers['upload-id'])
  const reception = await receiveUpload({
    name,
    id: headers['upload-id'],
    offset: headers['upload-offset'],
    length: headers['upload-length'],
    contentLength: headers['content-length'],
    body: rate && body ? throttled(body, rate, request.signal) : body,
    // Both transports hand over a request body that nothing else reads.
    releaseChunks: true,
    signal: request.signal,
  })
  if (headers['upload-id'] === undefined) await access.claim('upload-session', reception.session.id)
  return uploadResponse(reception, request)
}
