import { AppError } from '@/lib/errors'
import { route } from '@/lib/http'

/** Any `/api/...` path no route claims: a JSON 404 in the app's error shape, whatever the method. */
const notFound = route((request) => {
  const { pathname } = new URL(request.url)
  throw new AppError('not_found:route', `No API route at ${pathname}`)
})

export const GET = notFound
export const HEAD = notFound
export const POST = notFound
export const PUT = notFound
export const PATCH = notFound
export const DELETE = notFound
export const OPTIONS = notFound
