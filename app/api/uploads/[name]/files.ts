import { type Access, json } from '@/lib/http'
import { deleteUpload, downloadResponse } from '@/lib/uploads'

type Context = { params: Promise<{ name: string }> }

/**
 * `GET`/`HEAD /api/uploads/<name>`, whichever transport brought the request (the App Router route,
 * `route.ts`, or the Pages API route, `pages/api/node/uploads/[name].ts`): the stored file as an
 * attachment, with `Range` support (HEAD: its headers only).
 */
export async function getUpload(request: Request, { params }: Context): Promise<Response> {
  return downloadResponse((await params).name, request)
}

/** `DELETE /api/uploads/<name>`: removes the file and its owner record. */
export async function removeUpload(_request: Request, { params }: Context, access: Access): Promise<Response> {
  const { name } = await params
  await deleteUpload(name)
  await access.release('upload', name)
  return json({ deleted: name })
}
