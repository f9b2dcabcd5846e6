import type { CsvValue } from '@/lib/csv/format'

const needsQuotes = /[",\r\n]/
const COMMA = 0x2c
const QUOTE = 0x22

/**
 * An upper bound of the bytes {@link writeCsvRecord} needs for `values`: UTF-8 takes at most 3
 * bytes per UTF-16 unit (a doubled quote, 2), plus quotes, separators and the CRLF.
 */
export function csvRecordMaxBytes(values: readonly CsvValue[]): number {
  let bytes = 2
  for (const value of values) {
    bytes += typeof value === 'string' ? value.length * 3 + 3 : typeof value === 'bigint' ? String(value).length + 1 : 32
  }
  return bytes
}

/**
 * Writes one RFC 4180 record (the same bytes as `csvLine`) straight into `target` at `offset`,
 * field by field, and returns the offset after it. The caller makes room ({@link csvRecordMaxBytes}).
 * For exports: no per-row string is built, so the garbage per row is the row itself.
 */
export function writeCsvRecord(target: Buffer, offset: number, values: readonly CsvValue[]): number {
  let at = offset
  for (let i = 0; i < values.length; i++) {
    if (i > 0) target[at++] = COMMA
    const value = values[i]
    if (value === null || value === undefined) continue
    if (typeof value !== 'string') {
      at += target.write(String(value), at)
    } else if (needsQuotes.test(value)) {
      target[at++] = QUOTE
      at += target.write(value.replaceAll('"', '""'), at)
      target[at++] = QUOTE
    } else {
      at += target.write(value, at)
    }
  }
  target[at++] = 0x0d
  target[at++] = 0x0a
  return at
}
