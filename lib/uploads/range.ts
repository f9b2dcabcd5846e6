/** An inclusive byte range, as in `Content-Range: bytes start-end/size`. */
export interface ByteRange {
  start: number
  end: number
}

/**
 * Reads a `Range` header (RFC 9110 §14) for a representation of `size` bytes:
 * - `null`: serve the whole representation (no header, another unit, a syntax error, or several
 *   ranges, which Sluice answers with the whole file as the RFC allows);
 * - `'unsatisfiable'`: answer 416 (the range starts at or past the end, or asks for a 0-byte suffix);
 * - a range: answer 206 with exactly those bytes (an end past the last byte is clamped).
 */
export function parseRange(header: string | null, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!match) return null
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return null
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(first)
  const end = last === '' ? Infinity : Number(last)
  if (!Number.isSafeInteger(start) || end < start) return null // `last` before `first`: not a valid range
  if (start >= size) return 'unsatisfiable'
  return { start, end: Math.min(end, size - 1) }
}
