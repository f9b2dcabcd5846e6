/** What the rows export reads: rows of scalars, in the order their keys were written. */

/** A JSON number kept as it was written, so nothing is rounded (`12345678901234567890`, `1.10`). */
export class JsonNumber {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
  valueOf(): number {
    return Number(this.text)
  }
}

/** What a row's value may be: a scalar. */
export type RowValue = string | JsonNumber | boolean | null
/** One row: its keys in the order they were written. */
export type Row = Map<string, RowValue>
/** `json`: one top-level array of rows. `ndjson`: one row per line (blank lines are skipped). */
export type RowsFormat = 'json' | 'ndjson'

export interface RowParserOptions {
  format: RowsFormat
  /** A row with more keys fails with `bad_request:rows`. Default 256. */
  maxColumns?: number
  /** A row longer than this, in characters from `{` to `}`, fails with `too_large:row`. Default 1 Mi. */
  maxRowChars?: number
}

export const DEFAULT_MAX_COLUMNS = 256
export const DEFAULT_MAX_ROW_CHARS = 1024 * 1024
