import { json, parseJsonBody, route } from '@/lib/http'
import { listUploads } from '@/lib/uploads/files'
import { progressHeaders } from '@/lib/uploads/responses'
import { createUpload } from '@/lib/uploads/sessions'
import { createUploadBody } from './schema'

export const dynamic = 'force-dynamic'

/** Every finished upload: name, size, SHA-256 and time, newest first. */
export const GET = route(async () => json({ uploads: await listUploads() }))

/**
 * Announces an upload (`{ name, size }`) and returns its id and progress, so a browser can open the
 * progress channel before it starts sending. 413 at once if `size` is over the limit.
 */
export const POST = route(async (request) => {
  const { name, size } = await parseJsonBody(request, createUploadBody, 4096)
  const session = await createUpload({ name, size })
  const progress = session.progress.value
  const headers = progressHeaders(progress)
  headers.set('Location', `/api/uploads/sessions/${progress.id}`)
  return json(progress, { status: 201, headers })
})
