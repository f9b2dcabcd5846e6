import { describe, expect, it } from 'vitest'
import { csvLine, type CsvValue } from '@/lib/csv/format'
import { csvRecordMaxBytes, writeCsvRecord } from '@/lib/csv/format-bytes'

const PIECES = ['a', 'Zoë', '🚀', '"', ',', '\n', '\r', ' ', '€', 'x"y', '']

/** Pseudo-random records (fixed seed) mixing every case the formatter distinguishes. */
function records(count: number): CsvValue[][] {
  let state = 7
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + Math.floor(random() * 6) }, (): CsvValue => {
      const kind = Math.floor(random() * 6)
      if (kind === 0) return null
      if (kind === 1) return Math.round(random() * 1e6) / 100
      if (kind === 2) return BigInt(Math.floor(random() * 1e9)) * 1_000_000_000n
      return Array.from({ length: Math.floor(random() * 8) }, () => PIECES[Math.floor(random() * PIECES.length)]).join('')
    }),
  )
}

describe('writeCsvRecord', () => {
  it('writes the same bytes as csvLine, within csvRecordMaxBytes', () => {
    for (const record of records(2_000)) {
      const max = csvRecordMaxBytes(record)
      const target = Buffer.alloc(max + 8)
      const end = writeCsvRecord(target, 4, record)
      expect(end - 4).toBeLessThanOrEqual(max)
      expect(target.subarray(4, end).toString('utf8')).toBe(csvLine(record))
    }
  })
})
