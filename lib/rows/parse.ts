import { AppError } from '@/lib/errors'
import { DEFAULT_MAX_COLUMNS, DEFAULT_MAX_ROW_CHARS, JsonNumber, type Row, type RowParserOptions, type RowValue } from '@/lib/rows/row'

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/
const LITERALS: Record<string, boolean | null> = { true: true, false: false, null: null }
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }

type State =
  | 'start' // json: before `[`
  | 'first' // json: after `[`: a row or `]`
  | 'element' // json: after `,`: a row
  | 'between' // json: after a row: `,` or `]`
  | 'done' // json: after `]`
  | 'line' // ndjson: a row or a blank line
  | 'lineEnd' // ndjson: after a row: the end of its line
  | 'open' // after `{`: a key or `}`
  | 'key' // after `,` in a row: a key
  | 'colon'
  | 'value'
  | 'afterValue'
  | 'string'
  | 'escape'
  | 'unicode'
  | 'number'
  | 'literal'

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r'
const startsValue = (c: string) =>
  c === '"' || c === '{' || c === '[' || c === '-' || (c >= '0' && c <= '9') || c === 't' || c === 'f' || c === 'n'

/**
 * An incremental parser for rows of scalars: a JSON array of flat objects (`[{…},{…}]`) or NDJSON
 * (one object per line). Feed it text in pieces cut anywhere (`push`, which returns the rows each
 * piece completed), then call `end()`. It never holds more than the row being read: a nested value is
 * refused at its first character and a row over `maxRowChars` as soon as it gets there.
 *
 * Refusals are `AppError`s: `bad_request:json` (not JSON: the line and column), `bad_request:rows`
 * (JSON, but not rows of scalars: the row and line), `too_large:row`.
 */
export class RowParser {
  readonly #ndjson: boolean
  readonly #maxColumns: number
  readonly #maxRowChars: number
  #state: State
  /** The string being read is a key (else a value). */
  #stringIsKey = false
  #text = ''
  #hex = ''
  #key = ''
  #row: Row = new Map()
  #inRow = false
  #rowChars = 0
  #rows = 0
  #line = 1
  #column = 0
  #started = false

  constructor(options: RowParserOptions) {
    this.#ndjson = options.format === 'ndjson'
    this.#maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS
    this.#maxRowChars = options.maxRowChars ?? DEFAULT_MAX_ROW_CHARS
    this.#state = this.#ndjson ? 'line' : 'start'
  }

  /** Parses the next piece of text; returns the rows it completed. */
  push(text: string): Row[] {
    const out: Row[] = []
    let i = 0
    if (!this.#started && text.length > 0) {
      this.#started = true
      if (text[0] === '\uFEFF') i = 1
    }
    for (; i < text.length; i++) {
      if (this.#state === 'string') {
        // The body of a string up to its next quote, backslash or control character, as one slice
        // (strings hold no line breaks: those are control characters).
        let j = i
        while (j < text.length) {
          const code = text.charCodeAt(j)
          if (code === 0x22 || code === 0x5c || code < 0x20) break
          j++
        }
        this.#text += text.slice(i, j)
        this.#column += j - i
        this.#grow(j - i)
        i = j
        if (j === text.length) break
        this.#column++
        this.#grow(1)
        const end = text[j]!
        if (end === '"') this.#endString()
        else if (end === '\\') this.#state = 'escape'
        else throw this.#syntax('a control character in a string (write it as an escape, e.g. \\n)')
        continue
      }
      const c = text[i]!
      if (c === '\n') {
        this.#line++
        this.#column = 0
      } else this.#column++
      if (this.#inRow) this.#grow(1)
      this.#step(c, out)
    }
    return out
  }

  /** The input is complete: refuses an input that stopped halfway (every row ends with its `}`). */
  end(): void {
    if (this.#ndjson) {
      if (this.#state !== 'line' && this.#state !== 'lineEnd') throw this.#syntax(`the body ended inside row ${this.#rows}`)
    } else if (this.#state === 'start') {
      throw this.#shape('Expected a JSON array of rows ([{…},{…}]): the body is empty')
    } else if (this.#state !== 'done') {
      throw this.#syntax('the body ended before the array was closed with ]')
    }
  }

  #grow(chars: number): void {
    this.#rowChars += chars
    if (this.#rowChars > this.#maxRowChars) {
      throw new AppError('too_large:row', `Row ${this.#rows} is longer than ${this.#maxRowChars} characters`, {
        details: { row: this.#rows, line: this.#line },
      })
    }
  }

  #step(c: string, out: Row[]): void {
    switch (this.#state) {
      case 'start':
        if (isSpace(c)) return
        if (c === '[') return void (this.#state = 'first')
        if (startsValue(c))
          throw this.#shape(`Expected a JSON array of rows ([{…},{…}]), not ${c === '{' ? 'an object' : 'a single value'}`)
        throw this.#syntax(`unexpected ${JSON.stringify(c)}`)
      case 'first':
      case 'element':
        if (isSpace(c)) return
        if (c === ']' && this.#state === 'first') return void (this.#state = 'done')
        if (c === ']') throw this.#syntax('a comma before ] (JSON has no trailing commas)')
        return this.#rowStart(c)
      case 'between':
        if (isSpace(c)) return
        if (c === ',') return void (this.#state = 'element')
        if (c === ']') return void (this.#state = 'done')
        throw this.#syntax(`expected , or ] after row ${this.#rows}, got ${JSON.stringify(c)}`)
      case 'done':
        if (isSpace(c)) return
        throw this.#syntax('text after the closing ] of the array')
      case 'line':
        if (isSpace(c)) return
        return this.#rowStart(c)
      case 'lineEnd':
        if (c === '\n') return void (this.#state = 'line')
        if (c === ' ' || c === '\t' || c === '\r') return
        throw this.#syntax(`one row per line: text after row ${this.#rows} on its line`)
      case 'open':
      case 'key':
        if (this.#rowSpace(c)) return
        if (c === '"') return this.#startString(true)
        if (c === '}' && this.#state === 'open') return this.#endRow(out)
        throw this.#syntax(`expected a key in double quotes, got ${JSON.stringify(c)}`)
      case 'colon':
        if (this.#rowSpace(c)) return
        if (c === ':') return void (this.#state = 'value')
        throw this.#syntax(`expected : after the key ${JSON.stringify(this.#key)}`)
      case 'value':
        if (this.#rowSpace(c)) return
        if (c === '"') return this.#startString(false)
        if (c === '{' || c === '[') {
          throw this.#shape(
            `the value of ${JSON.stringify(this.#key)} is ${c === '{' ? 'an object' : 'an array'}: a row's values must be strings, numbers, booleans or null`,
          )
        }
        this.#text = c
        if (c === '-' || (c >= '0' && c <= '9')) return void (this.#state = 'number')
        if (c >= 'a' && c <= 'z') return void (this.#state = 'literal')
        throw this.#syntax(`expected a value for ${JSON.stringify(this.#key)}, got ${JSON.stringify(c)}`)
      case 'number':
        if ((c >= '0' && c <= '9') || c === '.' || c === 'e' || c === 'E' || c === '+' || c === '-') return void (this.#text += c)
        if (!NUMBER.test(this.#text)) throw this.#syntax(`${JSON.stringify(this.#text)} is not a JSON number`)
        this.#setValue(new JsonNumber(this.#text))
        return this.#step(c, out)
      case 'literal':
        if (c >= 'a' && c <= 'z') return void (this.#text += c)
        if (!(this.#text in LITERALS))
          throw this.#syntax(`unexpected ${JSON.stringify(this.#text)} (true, false and null are the words JSON knows)`)
        this.#setValue(LITERALS[this.#text]!)
        return this.#step(c, out)
      case 'afterValue':
        if (this.#rowSpace(c)) return
        if (c === ',') return void (this.#state = 'key')
        if (c === '}') return this.#endRow(out)
        throw this.#syntax(`expected , or } after the value of ${JSON.stringify(this.#key)}`)
      case 'escape': {
        if (c === 'u') {
          this.#hex = ''
          return void (this.#state = 'unicode')
        }
        const escaped = ESCAPES[c]
        if (escaped === undefined) throw this.#syntax(`\\${c} is not a JSON escape`)
        this.#text += escaped
        return void (this.#state = 'string')
      }
      case 'unicode':
        if (!/[0-9a-fA-F]/.test(c)) throw this.#syntax('\\u must be followed by four hexadecimal digits')
        this.#hex += c
        if (this.#hex.length === 4) {
          this.#text += String.fromCharCode(parseInt(this.#hex, 16))
          this.#state = 'string'
        }
        return
      case 'string':
        return // handled in push()
    }
  }

  /** Whitespace inside a row; in NDJSON a row may not span lines. */
  #rowSpace(c: string): boolean {
    if (!isSpace(c)) return false
    if (this.#ndjson && (c === '\n' || c === '\r')) throw this.#syntax(`row ${this.#rows} is not on one line (NDJSON has one row per line)`)
    return true
  }

  #rowStart(c: string): void {
    this.#rows++
    if (c === '{') {
      this.#row = new Map()
      this.#inRow = true
      this.#rowChars = 1
      this.#state = 'open'
      return
    }
    if (startsValue(c)) throw this.#shape('a row must be a JSON object ({"column": value, …})')
    throw this.#syntax(`unexpected ${JSON.stringify(c)}`)
  }

  #startString(isKey: boolean): void {
    this.#stringIsKey = isKey
    this.#text = ''
    this.#state = 'string'
  }

  #endString(): void {
    if (!this.#stringIsKey) return this.#setValue(this.#text)
    const key = this.#text
    if (this.#row.has(key)) throw this.#shape(`the key ${JSON.stringify(key)} appears twice`)
    if (this.#row.size >= this.#maxColumns) throw this.#shape(`more than ${this.#maxColumns} keys (the most a row may have)`)
    this.#key = key
    this.#state = 'colon'
  }

  #setValue(value: RowValue): void {
    this.#row.set(this.#key, value)
    this.#state = 'afterValue'
  }

  #endRow(out: Row[]): void {
    out.push(this.#row)
    this.#row = new Map()
    this.#inRow = false
    this.#state = this.#ndjson ? 'lineEnd' : 'between'
  }

  #syntax(what: string): AppError {
    return new AppError('bad_request:json', `Invalid JSON at line ${this.#line}, column ${this.#column}: ${what}`, {
      details: { line: this.#line, column: this.#column },
    })
  }

  #shape(what: string): AppError {
    const where = this.#rows > 0 ? `Row ${this.#rows} (line ${this.#line}): ` : ''
    return new AppError('bad_request:rows', `${where}${what}`, { details: { row: this.#rows, line: this.#line } })
  }
}
