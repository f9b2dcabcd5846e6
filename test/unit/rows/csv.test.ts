import { describe, expect, it } from 'vitest'
import { isAppError } from '@/lib/errors'
import { CsvRows } from '@/lib/rows/csv'
import { JsonNumber, type Row, type RowValue } from '@/lib/rows/row'

const row = (entries: Array<[string, RowValue]>): Row => new Map(entries)
const n = (text: string) => new JsonNumber(text)

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run()
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message }
    throw error
  }
  throw new Error('accepted')
}

describe('CsvRows', () => {
  it('writes the first row’s keys as the header, then RFC 4180 records ending in CRLF', () => {
    const csv = new CsvRows()
    const text = csv.format(
      [
        row([
          ['name', 'Lovelace, Ada'],
          ['quote', 'she said "hi"'],
          ['n', n('1.10')],
          ['ok', true],
          ['x', null],
        ]),
        row([
          ['name', 'two\r\nlines'],
          ['quote', 'lf\nonly'],
          ['n', n('12345678901234567890')],
          ['ok', false],
          ['x', 'cr\ronly'],
        ]),
        row([
          ['name', '  spaced  '],
          ['quote', 'Zoë 🚀 日本'],
          ['n', n('-1.5e3')],
          ['ok', true],
          ['x', ''],
        ]),
      ],
      1,
    )
    expect(text).toBe(
      'name,quote,n,ok,x\r\n' +
        '"Lovelace, Ada","she said ""hi""",1.10,true,\r\n' +
        '"two\r\nlines","lf\nonly",12345678901234567890,false,"cr\ronly"\r\n' +
        '  spaced  ,Zoë 🚀 日本,-1.5e3,true,\r\n',
    )
    expect(csv.columns).toEqual(['name', 'quote', 'n', 'ok', 'x'])
  })

  it('quotes a header that needs it, writes the header once, and keys missing from a row as empty cells', () => {
    const csv = new CsvRows()
    expect(
      csv.format(
        [
          row([
            ['a,b', 'v'],
            ['say "x"', 'v'],
          ]),
        ],
        1,
      ),
    ).toBe('"a,b","say ""x"""\r\nv,v\r\n')
    expect(csv.format([row([['say "x"', 'only the second']])], 2)).toBe(',only the second\r\n')
    expect(csv.format([], 3)).toBe('')
  })

  it('with the columns named: their order, other keys left out, a header even with no rows', () => {
    const csv = new CsvRows(['b', 'a', 'missing'])
    expect(csv.format([], 1)).toBe('b,a,missing\r\n')
    expect(
      csv.format(
        [
          row([
            ['a', 'A'],
            ['b', 'B'],
            ['other', 'left out'],
          ]),
        ],
        1,
      ),
    ).toBe('B,A,\r\n')
    expect(csv.format([row([])], 2)).toBe(',,\r\n')
  })

  it('refuses a later row with a key the header lacks (nothing dropped silently), naming the row', () => {
    const csv = new CsvRows()
    csv.format([row([['a', 'x']])], 1)
    const error = refusal(() =>
      csv.format(
        [
          row([['a', 'y']]),
          row([
            ['a', 'z'],
            ['b', 'new'],
          ]),
        ],
        2,
      ),
    )
    expect(error.code).toBe('bad_request:rows')
    expect(error.message).toMatch(/^Row 3 has the key "b"/)
  })

  it('refuses a first row with no keys when the header would come from it', () => {
    expect(refusal(() => new CsvRows().format([row([])], 1)).message).toMatch(/Row 1 has no keys/)
    expect(new CsvRows(['a']).format([row([])], 1)).toBe('a\r\n\r\n')
  })
})
