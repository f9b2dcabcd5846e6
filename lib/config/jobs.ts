import { z } from 'zod'
import { doc, ms } from './atoms.ts'

/** Typed streams and jobs. */
export const jobsVariables = {
  SLUICE_STREAM_CANCEL_GRACE_MS: ms.default(5_000).meta(
    doc({
      group: 'Typed streams and jobs',
      description: 'How long a cancelled typed-stream handler may take to stop before the `cancel` frame is sent anyway.',
      doc: 'docs/typed-streams.md',
    }),
  ),
  SLUICE_JOBS_TOKEN: z
    .string()
    .min(8, 'must be at least 8 characters')
    .optional()
    .meta(
      doc({
        group: 'Typed streams and jobs',
        description:
          'When set (≥ 8 characters), imports require `Authorization: Bearer <token>` (401 `unauthorized:token` when it is missing or wrong, as every token). Unset: any visitor may import (each owns its own).',
        doc: 'docs/typed-streams.md',
      }),
    ),
  SLUICE_EXPORT_SEED_MAX_ROWS: z.coerce
    .number()
    .int()
    .positive()
    .default(250_000)
    .meta(
      doc({
        group: 'Typed streams and jobs',
        description: 'The most rows `POST /api/jobs/export/table` will create (`npm run seed:export` has no limit).',
        doc: 'docs/typed-streams.md',
      }),
    ),
}
