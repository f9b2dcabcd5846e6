import { describe, expect, it } from 'vitest'
import { isAppError } from '@/lib/errors'
import { RowParser } from '@/lib/rows/parse'
import { JsonNumber, type Row, type RowParserOptions, type RowsFormat } from '@/lib/rows/row'

/** A seeded pseudo-random generator (the same cuts on every run). */
function random(seed: number): () => number {
  let state = seed
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
}

/** Rows as plain objects, numbers as the text they were written as (`{ n: '1e3' }` → `'#1e3'`). */
function plain(rows: Row[]): Array<Record<string, unknown>> {
  return rows.map((row) => Object.fromEntries([...row].map(([k, v]) => [k, v instanceof JsonNumber ? `#${v.text}` : v])))
}

/** Parses `text` fed in pieces of 1–`maxPiece` characters cut at seeded random points. */
function parseSplit(text: string, format: RowsFormat, seed: number, maxPiece = 7, options: Partial<RowParserOptions> = {}): Row[] {
  const next = random(seed)
  const parser = new RowParser({ format, ...options })
  const rows: Row[] = []
  for (let i = 0; i < text.length;) {
    const size = 1 + Math.floor(next() * maxPiece)
    rows.push(...parser.push(text.slice(i, i + size)))
    i += size
  }
  parser.end()
  return rows
}

function parseWhole(text: string, format: RowsFormat, options: Partial<RowParserOptions> = {}): Row[] {
  const parser = new RowParser({ format, ...options })
  const rows = parser.push(text)
  parser.end()
  return rows
}

/** The refusal parsing `text` gives (whole, and cut in pieces: the same code either way). */
function refusal(text: string, format: RowsFormat, options: Partial<RowParserOptions> = {}): { code: string; message: string } {
  const codes: string[] = []
  let first: { code: string; message: string } | undefined
  for (const parse of [() => parseWhole(text, format, options), () => parseSplit(text, format, 7, 3, options)]) {
    try {
      parse()
      codes.push('accepted')
    } catch (error) {
      if (!isAppError(error)) throw error
      codes.push(error.code)
      first ??= { code: error.code, message: error.message }
    }
  }
  expect(codes[0], `${text}: ${codes.join(' / ')}`).toBe(codes[1])
  expect(first, `${JSON.stringify(text)} was accepted`).toBeDefined()
  return first!
}

const ARRAY = ` \uFEFF[ {"name":"Lovelace, Ada","quote":"she said \\"hi\\"","n":0,"ok":true,"x":null},
  {"name":"Zoë 🚀 日本","quote":"a\\\\b\\/c\\n\\t\\u00e9\\ud83d\\ude80","n":-1.5e3,"ok":false,"x":"\\""} ,
  { "name" : "big" , "quote" : "" , "n" : 12345678901234567890 , "ok" : true , "x" : 1.10 } ]\n`
const EXPECTED = [
  { name: 'Lovelace, Ada', quote: 'she said "hi"', n: '#0', ok: true, x: null },
  { name: 'Zoë 🚀 日本', quote: 'a\\b/c\n\té🚀', n: '#-1.5e3', ok: false, x: '"' },
  { name: 'big', quote: '', n: '#12345678901234567890', ok: true, x: '#1.10' },
]

describe('RowParser, JSON arrays', () => {
  it('reads escapes, escaped quotes, multibyte text, numbers as written, booleans and null', () => {
    expect(plain(parseWhole(ARRAY.replace('\uFEFF', ''), 'json'))).toEqual(EXPECTED)
  })

  it('gives the same rows however the text is cut (every escape, number and literal split somewhere)', () => {
    const text = ARRAY.replace(' \uFEFF', '\uFEFF') // a BOM is skipped only as the very first character
    for (let seed = 1; seed <= 200; seed++) expect(plain(parseSplit(text, 'json', seed))).toEqual(EXPECTED)
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new RowParser({ format: 'json' })
      const rows = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))]
      parser.end()
      expect(plain(rows), `cut at ${cut}`).toEqual(EXPECTED)
    }
  })

  it('agrees with JSON.parse on random rows of awkward strings and numbers', () => {
    const next = random(42)
    const alphabet = [
      'a',
      'Z',
      ' ',
      ',',
      '"',
      '\\',
      '/',
      '\n',
      '\r',
      '\t',
      '\u0001',
      '\u001f',
      'é',
      '€',
      '𝄞',
      '🚀',
      '\u2028',
      '{',
      '[',
      ':',
    ]
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!
    const str = () => Array.from({ length: Math.floor(next() * 12) }, () => pick(alphabet)).join('')
    const value = () =>
      pick([() => str(), () => Math.round((next() - 0.5) * 1e6) / 100, () => next() * 1e-7, () => next() < 0.5, () => null])()
    const rows = Array.from({ length: 300 }, () =>
      Object.fromEntries(Array.from({ length: 1 + Math.floor(next() * 5) }, (_, i) => [`${str()}${i}`, value()])),
    )
    const text = JSON.stringify(rows)
    const asParsed = (parsed: Row[]) =>
      parsed.map((row) => Object.fromEntries([...row].map(([k, v]) => [k, v instanceof JsonNumber ? Number(v.text) : v])))
    expect(asParsed(parseWhole(text, 'json'))).toEqual(JSON.parse(text))
    for (let seed = 1; seed <= 20; seed++) expect(asParsed(parseSplit(text, 'json', seed, 40))).toEqual(JSON.parse(text))
  })

  it('returns rows as soon as each one closes, not at the end', () => {
    const parser = new RowParser({ format: 'json' })
    expect(parser.push('[{"a":1},{"a"')).toHaveLength(1)
    expect(parser.push(':2}')).toHaveLength(1)
    expect(parser.push(',{"a":3}')).toHaveLength(1)
    expect(parser.push(']')).toHaveLength(0)
    parser.end()
  })

  it('accepts an empty array and an empty row, and keeps keys such as __proto__ as data', () => {
    expect(parseWhole('[]', 'json')).toEqual([])
    expect(plain(parseWhole('[{}]', 'json'))).toEqual([{}])
    const [row] = parseWhole('[{"__proto__":"p","constructor":1}]', 'json')
    expect([...row!.keys()]).toEqual(['__proto__', 'constructor'])
  })
})

describe('RowParser, NDJSON', () => {
  const NDJSON = '{"a":"x, \\"y\\"","b":1}\r\n\n  \n{"a":"Zoë 🚀","b":null}\n{"b":true,"a":"last line, no line break"}'
  const ROWS = [
    { a: 'x, "y"', b: '#1' },
    { a: 'Zoë 🚀', b: null },
    { b: true, a: 'last line, no line break' },
  ]

  it('reads one row per line, skipping blank lines, with CRLF or LF, the last line unterminated', () => {
    expect(plain(parseWhole(NDJSON, 'ndjson'))).toEqual(ROWS)
    for (let seed = 1; seed <= 100; seed++) expect(plain(parseSplit(NDJSON, 'ndjson', seed))).toEqual(ROWS)
  })

  it('accepts an empty body (no rows)', () => {
    expect(parseWhole('', 'ndjson')).toEqual([])
    expect(parseWhole('\n\n', 'ndjson')).toEqual([])
  })
})

describe('RowParser refusals', () => {
  it('refuses a nested value at its first character, naming the row, the line and the key', () => {
    const parser = new RowParser({ format: 'json' })
    expect(parser.push('[{"a":1},\n{"a":2},\n{"a":3,"tags":')).toHaveLength(2)
    let error: unknown
    try {
      parser.push('[') // the array is not read: the row is refused here
    } catch (e) {
      error = e
    }
    expect(isAppError(error) && error.code).toBe('bad_request:rows')
    expect((error as Error).message).toBe(
      `Row 3 (line 3): the value of "tags" is an array: a row's values must be strings, numbers, booleans or null`,
    )
    expect(refusal('{"a":{"b":1}}', 'ndjson').message).toMatch(/^Row 1 \(line 1\): the value of "a" is an object/)
    expect(refusal('{"a":1}\n{"a":2}\n{"a":[1]}', 'ndjson').message).toMatch(/^Row 3 \(line 3\)/)
  })

  it('refuses what is not an array of objects with bad_request:rows', () => {
    for (const text of ['{"a":1}', '"rows"', '42', 'null', '', '   ']) expect(refusal(text, 'json').code, text).toBe('bad_request:rows')
    for (const text of ['[1]', '["a"]', '[[{"a":1}]]', '[{"a":1},null]', '[{"a":1},true]']) {
      expect(refusal(text, 'json'), text).toMatchObject({
        code: 'bad_request:rows',
        message: expect.stringContaining('must be a JSON object'),
      })
    }
    for (const text of ['[1]', '"a"', '{"a":1}\n2']) expect(refusal(text, 'ndjson').code, text).toBe('bad_request:rows')
  })

  it('refuses a key given twice, and a row with more keys than the limit', () => {
    expect(refusal('[{"a":1,"a":2}]', 'json').message).toMatch(/"a" appears twice/)
    expect(refusal('[{"a":1,"b":2,"c":3}]', 'json', { maxColumns: 2 }).message).toMatch(/more than 2 keys/)
    expect(parseWhole('[{"a":1,"b":2}]', 'json', { maxColumns: 2 })).toHaveLength(1)
  })

  it('refuses a row over the size limit as soon as it gets there, before the row ends', () => {
    const parser = new RowParser({ format: 'ndjson', maxRowChars: 100 })
    expect(parser.push(`{"a":"${'x'.repeat(80)}"}\n`)).toHaveLength(1)
    expect(() => parser.push(`{"a":"${'x'.repeat(120)}`)).toThrow(/Row 2 is longer than 100 characters/)
    expect(refusal(`[{"a":"${'é'.repeat(200)}"}]`, 'json', { maxRowChars: 100 }).code).toBe('too_large:row')
  })

  it('refuses JSON syntax errors with bad_request:json and where they are', () => {
    const bad = [
      '[{"a":1},]', // trailing comma
      '[{"a":1} {"a":2}]',
      '[{"a":1,}]',
      '[{"a" 1}]',
      '[{a:1}]',
      "[{'a':1}]",
      '[{"a":01}]',
      '[{"a":1.}]',
      '[{"a":.5}]',
      '[{"a":+1}]',
      '[{"a":-}]',
      '[{"a":1e}]',
      '[{"a":tru}]',
      '[{"a":True}]',
      '[{"a":nul}]',
      '[{"a":"\\x"}]',
      '[{"a":"\\u12g4"}]',
      '[{"a":"line\nbreak"}]', // a raw control character in a string
      '[{"a":"tab\there"}]',
      '[{"a":1}]]',
      '[{"a":1}] x',
      '[{"a":1}',
      '[{"a":"unterminated',
      '[',
      '}',
    ]
    for (const text of bad) expect(refusal(text, 'json').code, JSON.stringify(text)).toBe('bad_request:json')
    expect(refusal('[{"a":1},\n {"a":1,,}]', 'json').message).toMatch(/^Invalid JSON at line 2, column 9: /)
  })

  it('refuses NDJSON rows that share a line or span lines', () => {
    expect(refusal('{"a":1} {"a":2}\n', 'ndjson').message).toMatch(/one row per line/)
    expect(refusal('{"a":1,\n"b":2}\n', 'ndjson').message).toMatch(/not on one line/)
    expect(refusal('{"a":1}\n{"a":', 'ndjson').message).toMatch(/ended inside row 2/)
    expect(refusal('[{"a":1}]', 'ndjson').code).toBe('bad_request:rows')
  })
})
