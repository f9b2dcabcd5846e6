import { csvLine, type CsvValue } from '@/lib/csv'
import { AppError } from '@/lib/errors'
import type { Row, RowValue } from '@/lib/rows/row'

function cell(value: RowValue | undefined): CsvValue {
  if (value === undefined || value === null || typeof value === 'string' || typeof value === 'boolean') return value
  return value.text // a JSON number, as it was written
}

/**
 * Rows as RFC 4180 CSV records (CRLF line ends; a field is quoted, with its quotes doubled, only
 * when it holds a comma, a quote or a line break). The columns are `columns` when given (keys
 * of a row that are not among them are left out), or else the first row's keys in their order
 * (and then a later row with another key is refused: `bad_request:rows`, nothing is dropped
 * silently). A key a row lacks, and `null`, are empty cells; booleans are `true`/`false`;
 * numbers are written as they were sent.
 */
export class CsvRows {
  #columns: readonly string[] | undefined
  readonly #strict: boolean
  #known: ReadonlySet<string> = new Set()
  #headed = false

  constructor(columns?: readonly string[]) {
    this.#strict = columns === undefined
    this.#columns = columns
    this.#known = new Set(columns)
  }

  /** The columns, once known (given, or taken from the first row). */
  get columns(): readonly string[] | undefined {
    return this.#columns
  }

  /**
   * The CSV text of `rows`, numbered from `firstNumber` (for error messages), after the header
   * record the first time the columns are known (with `columns` given, `format([], 1)` is just
   * the header).
   */
  format(rows: readonly Row[], firstNumber: number): string {
    if (this.#columns === undefined) {
      if (rows.length === 0) return ''
      const keys = [...rows[0]!.keys()]
      if (keys.length === 0) {
        throw new AppError(
          'bad_request:rows',
          `Row ${firstNumber} has no keys, and the header is the first row's keys: name the columns with ?columns=`,
          {
            details: { row: firstNumber },
          },
        )
      }
      this.#columns = keys
      this.#known = new Set(keys)
    }
    const columns = this.#columns
    let text = ''
    if (!this.#headed) {
      this.#headed = true
      text = csvLine(columns)
    }
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!
      if (this.#strict) {
        for (const key of row.keys()) {
          if (!this.#known.has(key)) {
            throw new AppError(
              'bad_request:rows',
              `Row ${firstNumber + r} has the key ${JSON.stringify(key)}, which the first row (the header) does not: name every column with ?columns=`,
              {
                details: { row: firstNumber + r },
              },
            )
          }
        }
      }
      text += csvLine(columns.map((column) => cell(row.get(column))))
    }
    return text
  }
}
