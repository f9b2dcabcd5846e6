import { describe, expect, it } from 'vitest'
import { csvLine } from '@/lib/csv/format'
import { CsvParser, parseCsv, type CsvRecord } from '@/lib/csv/parse'

/** Feeds `text` to a fresh parser cut at pseudo-random points (a fixed seed per run). */
function parseSplit(text: string, seed: number): CsvRecord[] {
  let state = seed
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const parser = new CsvParser()
  const out: CsvRecord[] = []
  for (let i = 0; i < text.length;) {
    const size = 1 + Math.floor(random() * 7)
    out.push(...parser.push(text.slice(i, i + size)))
    i += size
  }
  return [...out, ...parser.end()]
}

function parseWhole(text: string): CsvRecord[] {
  const parser = new CsvParser()
  return [...parser.push(text), ...parser.end()]
}

const SAMPLE =
  '\uFEFFname,email,amount\r\n"Lovelace, Ada",ada@example.com,12.50\r\n"Say ""hi""",b@example.com,1\r\n"two\r\nlines",c@example.com,2\r\n\r\nZoë 🚀,d@example.com,3'
const EXPECTED: CsvRecord[] = [
  { line: 1, fields: ['name', 'email', 'amount'] },
  { line: 2, fields: ['Lovelace, Ada', 'ada@example.com', '12.50'] },
  { line: 3, fields: ['Say "hi"', 'b@example.com', '1'] },
  { line: 4, fields: ['two\r\nlines', 'c@example.com', '2'] },
  { line: 7, fields: ['Zoë 🚀', 'd@example.com', '3'] },
]

describe('CsvParser', () => {
  it('parses quotes, doubled quotes, embedded line breaks, a BOM and blank lines, with line numbers', () => {
    expect(parseWhole(SAMPLE)).toEqual(EXPECTED)
  })

  it('gives the same records however the text is cut', () => {
    for (let seed = 1; seed <= 50; seed++) expect(parseSplit(SAMPLE, seed)).toEqual(EXPECTED)
  })

  it('accepts LF and lone CR line ends, and a final line break', () => {
    expect(parseWhole('a,b\nc,d\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd'] },
    ])
    expect(parseWhole('a\rb\r')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, fields: ['b'] },
    ])
  })

  it('keeps empty fields', () => {
    expect(parseWhole(',x,\n""')).toEqual([
      { line: 1, fields: ['', 'x', ''] },
      { line: 2, fields: [''] },
    ])
  })

  it('flags an unterminated quoted field at the end', () => {
    expect(parseWhole('a,"open\nstill open')).toEqual([
      { line: 1, fields: ['a', 'open\nstill open'], error: 'a quoted field is not closed' },
    ])
  })

  it('fails with too_large:csv_record instead of buffering a runaway record', () => {
    const parser = new CsvParser({ maxRecordChars: 10 })
    expect(() => parser.push('ok\n"' + 'x'.repeat(20))).toThrow(expect.objectContaining({ code: 'too_large:csv_record' }))
  })

  it('reads back what csvLine writes', async () => {
    const rows = [
      ['plain', 'with, comma', 'with "quotes"', 'multi\nline', ''],
      [1, 2.5, null, 'naïve', '\r'],
    ] as const
    const text = rows.map((r) => csvLine(r)).join('')
    expect(text).toBe('plain,"with, comma","with ""quotes""","multi\nline",\r\n1,2.5,,naïve,"\r"\r\n')
    const records: string[][] = []
    for await (const record of parseCsv([text.slice(0, 13), text.slice(13)])) records.push(record.fields)
    expect(records).toEqual([
      ['plain', 'with, comma', 'with "quotes"', 'multi\nline', ''],
      ['1', '2.5', '', 'naïve', '\r'],
    ])
  })
})
