import { z } from 'zod'
import type { CsvRecord } from '@/lib/csv'
import { AppError } from '@/lib/errors'

/** The columns an import needs, in any order; other columns are ignored. */
export const IMPORT_COLUMNS = ['name', 'email', 'amount'] as const

/** A row as it is stored. */
export interface ImportRow {
  line: number
  name: string
  email: string
  amountCents: number
}

/** One rejected row and why, as the progress chunks report it. */
export interface Rejection {
  line: number
  reason: string
}

const rowSchema = z.object({
  name: z.string().trim().min(1, 'name is empty').max(100, 'name is longer than 100 characters'),
  email: z.email('email is not a valid address'),
  amount: z
    .string()
    .trim()
    .regex(/^\d{1,9}(\.\d{1,2})?$/, 'amount must be a number ≥ 0 with at most 2 decimals')
    .transform((text) => Math.round(Number(text) * 100)),
})

/** Where each needed column is, from the header record; `bad_request:csv_header` if one is missing. */
export function readHeader(record: CsvRecord): { width: number; index: Record<(typeof IMPORT_COLUMNS)[number], number> } {
  const names = record.fields.map((f) => f.trim().toLowerCase())
  const missing = IMPORT_COLUMNS.filter((column) => !names.includes(column))
  if (missing.length) {
    throw new AppError(
      'bad_request:csv_header',
      `The CSV header must name the columns ${IMPORT_COLUMNS.join(', ')}; missing: ${missing.join(', ')}`,
    )
  }
  return {
    width: names.length,
    index: { name: names.indexOf('name'), email: names.indexOf('email'), amount: names.indexOf('amount') },
  }
}

/** Checks one data record against the header: the row to insert, or why it is rejected. */
export function validateRecord(record: CsvRecord, header: ReturnType<typeof readHeader>): { row: ImportRow } | { rejection: Rejection } {
  const reject = (reason: string) => ({ rejection: { line: record.line, reason } })
  if (record.error) return reject(record.error)
  if (record.fields.length !== header.width) {
    return reject(`expected ${header.width} fields, found ${record.fields.length}`)
  }
  const parsed = rowSchema.safeParse({
    name: record.fields[header.index.name],
    email: record.fields[header.index.email],
    amount: record.fields[header.index.amount],
  })
  if (!parsed.success) return reject(parsed.error.issues.map((issue) => issue.message).join('; '))
  return { row: { line: record.line, name: parsed.data.name, email: parsed.data.email, amountCents: parsed.data.amount } }
}
