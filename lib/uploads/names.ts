import path from 'node:path'
import { AppError } from '@/lib/errors'

/** Longest accepted name, in UTF-8 bytes (leaves room for the `.json` sidecar within NAME_MAX 255). */
export const MAX_NAME_BYTES = 200

/**
 * C0/C1 control characters (includes NUL, CR, LF, DEL) and the Unicode bidirectional overrides
 * that can disguise an extension (`invoice\u202Efdp.exe` shows as `invoiceexe.pdf`).
 */
const forbiddenChars = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u

function refuse(message: string): never {
  throw new AppError('bad_request:name', message)
}

/**
 * Checks an upload name and returns it unchanged. Upload names are flat: one path segment, so a
 * name can never point outside the upload directory. Refused with 400 `bad_request:name`:
 * empty or over {@link MAX_NAME_BYTES} bytes, `/` or `\` anywhere (so `../x` and absolute paths),
 * `.`, `..` or any leading dot (reserved for Sluice's own `.parts` and `.meta`), NUL and other
 * control characters, bidi overrides.
 */
export function parseUploadName(raw: string): string {
  if (raw.length === 0) refuse('The upload name is empty')
  if (Buffer.byteLength(raw) > MAX_NAME_BYTES) refuse(`The upload name is longer than ${MAX_NAME_BYTES} bytes`)
  if (forbiddenChars.test(raw)) refuse('The upload name contains a control character')
  if (raw.includes('/') || raw.includes('\\')) refuse('The upload name must not contain a path separator')
  if (raw.startsWith('.')) refuse('The upload name must not start with a dot')
  if (raw !== raw.trim()) refuse('The upload name must not start or end with white space')
  return raw
}

/**
 * The absolute path of `name` inside `dir`, re-checked after resolution as a second line of
 * defence: the result is always a direct child of `dir`.
 */
export function pathInside(dir: string, name: string): string {
  const full = path.resolve(dir, parseUploadName(name))
  if (path.dirname(full) !== path.resolve(dir)) refuse('The upload name points outside the upload directory')
  return full
}

/** Upload ids: what {@link newUploadId} makes, checked before an id is used in a path. */
const idPattern = /^[A-Za-z0-9_-]{16,64}$/

/** Checks an upload id (400 `bad_request:upload_id` if malformed) and returns it. */
export function parseUploadId(raw: string): string {
  if (!idPattern.test(raw)) throw new AppError('bad_request:upload_id', 'The upload id must be 16–64 characters of A–Z, a–z, 0–9, _ or -')
  return raw
}

/** A new random upload id (128 bits, URL-safe). */
export function newUploadId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')
}
