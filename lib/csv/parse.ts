import { AppError } from '@/lib/errors'

/** One CSV record: its fields and the line it starts on (1-based, the header is line 1). */
export interface CsvRecord {
  line: number
  fields: string[]
  /** Set when the record is malformed (an unterminated quoted field at the end of the input). */
  error?: string
}

export interface CsvParserOptions {
  /** A record longer than this (in characters) fails with `too_large:csv_record`. Default 64 Ki. */
  maxRecordChars?: number
}

type State = 'fieldStart' | 'unquoted' | 'quoted' | 'quoteInQuoted'

/**
 * An incremental RFC 4180 CSV parser: feed it text in pieces of any size (`push`), then `end()`.
 * Handles quoted fields with commas, doubled quotes and line breaks, CRLF/LF/CR line ends and a
 * leading BOM; skips blank lines. Lenient where RFC 4180 is strict (a quote inside an unquoted
 * field is kept as text). Memory is bounded by the longest record.
 */
export class CsvParser {
  readonly #maxRecordChars: number
  #state: State = 'fieldStart'
  #field = ''
  #fields: string[] = []
  #recordChars = 0
  #touched = false
  #line = 1
  #recordLine = 1
  #afterCr = false
  #started = false

  constructor(options: CsvParserOptions = {}) {
    this.#maxRecordChars = options.maxRecordChars ?? 64 * 1024
  }

  /** Parses the next piece of text and returns the records it completed. */
  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = []
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!
      if (!this.#started) {
        this.#started = true
        if (c === '\uFEFF') continue
      }
      const afterCr = this.#afterCr
      this.#afterCr = c === '\r'
      if (this.#state === 'quoted') {
        if (c === '"') this.#state = 'quoteInQuoted'
        else this.#append(c, afterCr)
        continue
      }
      if (this.#state === 'quoteInQuoted') {
        if (c === '"') {
          this.#append('"', afterCr)
          this.#state = 'quoted'
          continue
        }
        this.#state = 'unquoted' // the closing quote; `c` is handled below
      }
      if (c === ',') {
        this.#endField()
        this.#touched = true
      } else if (c === '\n' || c === '\r') {
        if (c === '\n' && afterCr) continue // the LF of a CRLF: the CR ended the record
        this.#line++
        const record = this.#endRecord()
        if (record) out.push(record)
      } else if (c === '"' && this.#state === 'fieldStart') {
        this.#state = 'quoted'
        this.#touched = true
      } else {
        this.#append(c, afterCr)
        this.#state = 'unquoted'
      }
    }
    return out
  }

  /** The input is complete: returns the last record, if any. */
  end(): CsvRecord[] {
    const unterminated = this.#state === 'quoted'
    const record = this.#endRecord()
    if (!record) return []
    if (unterminated) record.error = 'a quoted field is not closed'
    return [record]
  }

  #append(c: string, afterCr: boolean): void {
    if (c === '\r' || (c === '\n' && !afterCr)) this.#line++
    this.#field += c
    this.#touched = true
    if (++this.#recordChars > this.#maxRecordChars) {
      throw new AppError(
        'too_large:csv_record',
        `The CSV record starting on line ${this.#recordLine} is longer than ${this.#maxRecordChars} characters`,
      )
    }
  }

  #endField(): void {
    this.#fields.push(this.#field)
    this.#field = ''
    this.#state = 'fieldStart'
  }

  #endRecord(): CsvRecord | undefined {
    const touched = this.#touched
    this.#endField()
    const record = { line: this.#recordLine, fields: this.#fields }
    this.#fields = []
    this.#recordChars = 0
    this.#touched = false
    this.#recordLine = this.#line
    return touched ? record : undefined
  }
}

/** Parses CSV text arriving in pieces (an upload, a generator) into records, lazily. */
export async function* parseCsv(
  pieces: AsyncIterable<string> | Iterable<string>,
  options: CsvParserOptions = {},
): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser(options)
  for await (const piece of pieces) yield* parser.push(piece)
  yield* parser.end()
}
