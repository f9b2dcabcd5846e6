import { z } from 'zod'
import { bytes, doc } from './atoms.ts'

/** Uploads. */
export const uploadsVariables = {
  SLUICE_UPLOAD_DIR: z
    .string()
    .min(1)
    .optional()
    .meta(
      doc({
        group: 'Uploads',
        description: 'Where finished uploads are stored.',
        defaultText: '`<SLUICE_DATA_DIR>/uploads`',
        doc: 'docs/uploads.md',
      }),
    ),
  SLUICE_UPLOAD_MAX_BYTES: bytes
    .default(2 * 1024 ** 3)
    .meta(doc({ group: 'Uploads', description: 'Largest upload, 2 GiB by default (413 above).', doc: 'docs/uploads.md' })),
  SLUICE_UPLOAD_STALE_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(24 * 60 * 60 * 1000)
    .meta(
      doc({
        group: 'Uploads',
        description: 'An unfinished upload not written to for this long (24 h by default) is removed, and its resume offset lost.',
        doc: 'docs/uploads.md',
      }),
    ),
}
