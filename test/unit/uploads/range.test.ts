import { describe, expect, it } from 'vitest'
import { parseRange } from '@/lib/uploads/range'

describe('parseRange (RFC 9110 §14.1.2), for a 1000-byte file', () => {
  it.each([
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=100-', { start: 100, end: 999 }],
    ['bytes=-10', { start: 990, end: 999 }],
    ['bytes=-5000', { start: 0, end: 999 }],
    ['bytes=990-5000', { start: 990, end: 999 }],
    ['bytes=999-999', { start: 999, end: 999 }],
    ['BYTES = 5 - 6', { start: 5, end: 6 }],
  ])('%j is served as %o', (header, range) => {
    expect(parseRange(header, 1000)).toEqual(range)
  })

  it.each(['bytes=1000-', 'bytes=5000-6000', 'bytes=-0'])('%j is unsatisfiable (416)', (header) => {
    expect(parseRange(header, 1000)).toBe('unsatisfiable')
  })

  it.each([null, '', 'bytes=', 'bytes=-', 'bytes=5-1', 'items=0-5', 'bytes=0-1,5-6', 'bytes=a-b'])(
    '%j is ignored: the whole file is served',
    (header) => {
      expect(parseRange(header, 1000)).toBeNull()
    },
  )

  it('an empty file satisfies no range', () => {
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable')
    expect(parseRange('bytes=-1', 0)).toBe('unsatisfiable')
  })
})
