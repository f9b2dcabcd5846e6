import { parseWith, type Access } from '@/lib/http'
import { receiveUpload, uploadResponse } from '@/lib/uploads'
import { readUploadHeaders, uploadHeaders } from './schema'

/**
 * The upload `PUT`, whichever transport brought it: the App Router route handler (`route.ts`, the
 * body as a Web stream) and the Pages API route (`pages/api/node/uploads/[name].ts`, the raw Node
 * request) both call this with the body as an async iterable of bytes.
 */
export async function putUpload(
  request: Request,
  { params }: { params: Promise<{ name: string }> },
  access: Access,
  body: AsyncIterable<Uint8Array> | null,
): Promise<Response> {
  const { name } = await params
  const headers = parseWith(uploadHeaders, readUploadHeaders(request), 'headers')
  if (headers['upload-id'] !== undefined) await access.require('upload-session', headers['upload-id'])
  const reception = await receiveUpload({
    name,
    id: headers['upload-id'],
    offset: headers['upload-offset'],
    length: headers['upload-length'],
    contentLength: headers['content-length'],
    body,
    signal: request.signal,
  })
  if (headers['upload-id'] === undefined) await access.claim('upload-session', reception.session.id)
  return uploadResponse(reception, request)
}
