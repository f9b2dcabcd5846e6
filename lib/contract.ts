import { z } from 'zod'
import { AppError } from '@/lib/errors'

/**
 * The request contract's atoms: the small validators every route's schema is built from, kept in
 * one place so that a flag, a page or an id means the same thing on every route. A route's
 * `schema.ts` composes them (query schemas are strict: an unknown parameter is a 400, not
 * silently ignored); the access guard checks ids with the same atoms before any handler runs.
 */

/** A query flag: `1` or `true` is on, `0` or `false` off (use `flag.default(false)` for an optional one). */
export const flag = z.enum(['0', '1', 'false', 'true']).transform((value) => value === '1' || value === 'true')

/** List paging: `limit` 1–1000 (default `defaultLimit`), `offset` ≥ 0 (default 0). Spread into a query schema. */
export function paging(defaultLimit: number) {
  return {
    limit: z.coerce.number().int().min(1).max(1000).default(defaultLimit),
    offset: z.coerce.number().int().min(0).default(0),
  }
}

/** A chat id (`/api/chat/[id]`, `/api/chats/[id]`, `/chat/[id]`): chosen by the client (useChat), so checked: URL-safe, 1–64 characters. */
export const chatIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 characters of A–Z, a–z, 0–9, _ or -')

/** Longest accepted upload name, in UTF-8 bytes (leaves room for the `.json` sidecar within NAME_MAX 255). */
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

/** Upload ids: what `newUploadId()` (`lib/uploads/names.ts`) makes, checked before an id is used in a path. */
const uploadIdPattern = /^[A-Za-z0-9_-]{16,64}$/

/** Checks an upload id (400 `bad_request:upload_id` if malformed) and returns it. */
export function parseUploadId(raw: string): string {
  if (!uploadIdPattern.test(raw))
    throw new AppError('bad_request:upload_id', 'The upload id must be 16–64 characters of A–Z, a–z, 0–9, _ or -')
  return raw
}
