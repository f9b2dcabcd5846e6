/** A value a CSV cell can hold. `null`/`undefined` become an empty cell. */
export type CsvValue = string | number | bigint | boolean | null | undefined

const needsQuotes = /[",\r\n]/

/** One RFC 4180 field: quoted (with doubled quotes) only when it holds a comma, quote or line break. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  if (typeof value !== 'string') return String(value)
  return needsQuotes.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

/** One CSV record, ended with CRLF as RFC 4180 asks. */
export function csvLine(values: readonly CsvValue[]): string {
  let line = ''
  for (let i = 0; i < values.length; i++) line += (i ? ',' : '') + csvField(values[i])
  return line + '\r\n'
}
