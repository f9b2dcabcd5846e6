import { json, parseWith, route } from '@/lib/http'
import { downloadResponse } from '@/lib/uploads/download'
import { deleteUpload } from '@/lib/uploads/files'
import { receiveUpload } from '@/lib/uploads/receive'
import { uploadResponse } from '@/lib/uploads/responses'
import { readUploadHeaders, uploadHeaders } from './schema'

export const dynamic = 'force-dynamic'
/** Seconds this route may run on Vercel (it streams for long). */
export const maxDuration = 300

type Context = { params: Promise<{ name: string }> }

/**
 * Uploads the request body as `<name>`, written to disk chunk by chunk while progress streams back
 * (or one JSON result with `Accept: application/json`). `Upload-Id` + `Upload-Offset` continue an
 * interrupted upload; `Upload-Length` declares the full size.
 */
export const PUT = route<Context>(async (request, { params }) => {
  const { name } = await params
  const headers = parseWith(uploadHeaders, readUploadHeaders(request), 'headers')
  const reception = await receiveUpload({
    name,
    id: headers['upload-id'],
    offset: headers['upload-offset'],
    length: headers['upload-length'],
    contentLength: headers['content-length'],
    body: request.body,
    signal: request.signal,
  })
  return uploadResponse(reception, request)
})

/** Downloads `<name>` as an attachment, with `Range` support. */
export const GET = route<Context>(async (request, { params }) => downloadResponse((await params).name, request))

/** The download's headers only. */
export const HEAD = GET

/** Deletes `<name>`. */
export const DELETE = route<Context>(async (_request, { params }) => {
  const { name } = await params
  await deleteUpload(name)
  return json({ deleted: name })
})
