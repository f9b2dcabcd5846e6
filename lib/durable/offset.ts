import { AppError } from '@/lib/errors'

/**
 * Offsets on the wire. The protocol makes them opaque, lexicographically sortable tokens; ours are
 * `0000000000000000_<byte position, 16 digits>` — the shape the conformance suite and other
 * servers use, so a zero offset written by hand (`0000000000000000_0000000000000000`) means the
 * start of any stream. The first part is reserved (always zero here).
 */

const TOKEN = /^(\d{16})_(\d{16})$/
const ZERO_PREFIX = '0'.repeat(16)

/** The token for a byte position. */
export function encodeOffset(position: number): string {
  return `${ZERO_PREFIX}_${String(position).padStart(16, '0')}`
}

/** A byte position from a token; a 400 if the token is not one of ours. */
export function decodeOffset(token: string, what = 'offset'): number {
  const match = TOKEN.exec(token)
  if (!match) throw new AppError(`bad_request:${what}`, `Malformed ${what} ${JSON.stringify(token.slice(0, 80))}`)
  const position = Number(match[2])
  if (match[1] !== ZERO_PREFIX || !Number.isSafeInteger(position)) {
    throw new AppError(`bad_request:${what}`, `The ${what} ${token} is beyond the end of the stream`)
  }
  return position
}

/** Where a read starts: the beginning (`-1` or no offset), the tail (`now`), or a position. */
export type ReadStart = { kind: 'start' } | { kind: 'now' } | { kind: 'at'; position: number }

/** The `offset` query parameter: at most once, never empty. */
export function readStart(params: URLSearchParams): ReadStart | undefined {
  const values = params.getAll('offset')
  if (values.length === 0) return undefined
  if (values.length > 1) throw new AppError('bad_request:offset', 'The offset parameter may be given only once')
  const value = values[0]!
  if (value === '-1') return { kind: 'start' }
  if (value === 'now') return { kind: 'now' }
  if (value === '') throw new AppError('bad_request:offset', 'The offset parameter is empty')
  return { kind: 'at', position: decodeOffset(value) }
}

/** The byte position a {@link ReadStart} means for a stream whose tail is `tail`; 400 past the tail. */
export function startPosition(start: ReadStart, tail: number): number {
  if (start.kind === 'start') return 0
  if (start.kind === 'now') return tail
  if (start.position > tail)
    throw new AppError('bad_request:offset', `The offset ${encodeOffset(start.position)} is beyond the end of the stream`)
  return start.position
}
