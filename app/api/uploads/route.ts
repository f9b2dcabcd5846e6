import { json, parseJsonBody, route } from '@/lib/http'
import { createUpload, listUploads, progressHeaders } from '@/lib/uploads'
import { createUploadBody } from './schema'

export const dynamic = 'force-dynamic'

/** The caller's finished uploads (the operator's: all): name, size, SHA-256 and time, newest first. */
export const GET = route('GET /api/uploads', async (_request, _context, access) => {
  const mine = await access.mine('upload', { limit: 1000 })
  return json({ uploads: await listUploads(mine === 'all' ? undefined : new Set(mine.ids)) })
})

/**
 * Announces an upload (`{ name, size }`) and returns its id and progress, so a browser can open the
 * progress channel before it starts sending. 413 at once if `size` is over the limit.
 */
export const POST = route('POST /api/uploads', async (request, _context, access) => {
  const { name, size } = await parseJsonBody(request, createUploadBody, 4096)
  await access.claim('upload', name)
  const session = await createUpload({ name, size })
  await access.claim('upload-session', session.progress.value.id)
  const progress = session.progress.value
  const headers = progressHeaders(progress)
  headers.set('Location', `/api/uploads/sessions/${progress.id}`)
  return json(progress, { status: 201, headers })
})
