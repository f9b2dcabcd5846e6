import { z } from 'zod'
import { DEFAULT_MAX_COLUMNS } from '@/lib/rows'

const column = z.string().min(1, 'a column name is empty').max(256, 'a column name is longer than 256 characters')

/** `?columns=a,b,c`: the CSV's columns, in order (names exactly as the rows' keys are written). */
export const rowsExportQuery = z.strictObject({
  columns: z
    .string()
    .transform((value) => value.split(','))
    .pipe(
      z
        .array(column)
        .max(DEFAULT_MAX_COLUMNS, `at most ${DEFAULT_MAX_COLUMNS} columns`)
        .refine((names) => new Set(names).size === names.length, 'a column is named twice'),
    )
    .optional(),
})
