import path from 'node:path'
import { MAX_NAME_BYTES, parseUploadId, parseUploadName } from '@/lib/contract'
import { AppError } from '@/lib/errors'

// The name and id atoms are the request contract's (shared with the access guard).
export { MAX_NAME_BYTES, parseUploadId, parseUploadName }

/**
 * The absolute path of `name` inside `dir`, re-checked after resolution as a second line of
 * defence: the result is always a direct child of `dir`.
 */
export function pathInside(dir: string, name: string): string {
  const full = path.resolve(dir, parseUploadName(name))
  if (path.dirname(full) !== path.resolve(dir))
    throw new AppError('bad_request:name', 'The upload name points outside the upload directory')
  return full
}

/** A new random upload id (128 bits, URL-safe). */
export function newUploadId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')
}
