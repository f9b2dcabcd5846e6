import { z } from 'zod'
import { config } from '@/lib/config'

/** Built on use: the limit comes from the configuration. */
export function seedBody() {
  const max = config().SLUICE_EXPORT_SEED_MAX_ROWS
  return z.object({
    rows: z.number().int().min(0).max(max, `at most ${max} rows here (SLUICE_EXPORT_SEED_MAX_ROWS); use npm run seed:export for more`),
  })
}
