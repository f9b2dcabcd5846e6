import { z } from 'zod'
import { slowMotionRate } from '@/lib/stream'

const count = z
  .string()
  .regex(/^\d{1,16}$/, 'must be a whole number of bytes')
  .transform(Number)
  .pipe(z.number().int().max(Number.MAX_SAFE_INTEGER))

/** The headers of an upload `PUT` (see docs/uploads.md for the resume protocol). */
export const uploadHeaders = z.object({
  'upload-id': z.string().optional(),
  'upload-offset': count.optional(),
  'upload-length': count.optional(),
  'content-length': count.optional(),
})

/** The headers `uploadHeaders` checks, read from a request (absent ones left out). */
export function readUploadHeaders(request: Request): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of Object.keys(uploadHeaders.shape)) {
    const value = request.headers.get(name)
    if (value !== null) out[name] = value
  }
  return out
}

/** The query of an upload `PUT`: only slow motion, the body read at most this many bytes per second. */
export const uploadQuery = z.strictObject({ rate: slowMotionRate })
