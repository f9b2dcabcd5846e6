import { z } from 'zod'
import { doc, optional } from './atoms.ts'

/** Access: identities, the operator, proxies, the caps on running work. */
export const accessVariables = {
  SLUICE_SECRET: optional(z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 32`)')).meta(
    doc({
      group: 'Access',
      description: 'Signs the visitors’ identity cookies (≥ 32 characters, e.g. `openssl rand -base64 32`).',
      defaultText: 'generated once, kept in the store',
      doc: 'docs/security.md',
    }),
  ),
  SLUICE_OPERATOR_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')).meta(
    doc({
      group: 'Access',
      description: '`Authorization: Bearer <token>` sees and manages every visitor’s data and reads the audit records. Unset: nobody can.',
      doc: 'docs/security.md',
    }),
  ),
  SLUICE_TRUST_PROXY: optional(z.enum(['0', '1', 'true', 'false'], { message: 'must be 1 or 0' })).meta(
    doc({
      group: 'Access',
      description:
        '`1`: absolute URLs (`Location`, `url`) and the same-site check use `X-Forwarded-Host`/`-Proto` — set it behind a proxy that sets them.',
      defaultText: 'on when VERCEL=1, else off',
      doc: 'docs/security.md',
    }),
  ),
  VERCEL: optional(z.string()).meta(
    doc({
      group: 'Access',
      description: 'Set by Vercel on its functions (its edge sets the forwarded headers); not set by hand.',
      doc: 'docs/security.md',
    }),
  ),
  SLUICE_RUNNING_PER_VISITOR: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000)
    .default(2)
    .meta(
      doc({
        group: 'Access',
        description:
          'Model answers (the chat and `/api/typed/answer`, one budget), typed streams, background exports, demo producers and proxied model calls running at once per visitor, each kind (429 with `Retry-After` above).',
        doc: 'docs/security.md',
      }),
    ),
  SLUICE_RUNNING_PER_INSTANCE: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(8)
    .meta(doc({ group: 'Access', description: 'The same caps, per instance.', doc: 'docs/security.md' })),
}
