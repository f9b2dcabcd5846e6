import { AppError } from '@/lib/errors'
import { route } from '@/lib/http'

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS'

/** Any `/api/...` path no route claims: a JSON 404 in the app's error shape, whatever the method. */
const notFound = (method: Method) =>
  route(`${method} /api/[...path]`, (request) => {
    const { pathname } = new URL(request.url)
    throw new AppError('not_found:route', `No API route at ${pathname}`)
  })

export const GET = notFound('GET')
export const HEAD = notFound('HEAD')
export const POST = notFound('POST')
export const PUT = notFound('PUT')
export const PATCH = notFound('PATCH')
export const DELETE = notFound('DELETE')
export const OPTIONS = notFound('OPTIONS')
