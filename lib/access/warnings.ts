import { config } from '@/lib/config'

/**
 * Says at start-up what is open because a token is not configured (docs/security.md): the
 * Durable Streams protocol's writes to streams no visitor owns without `SLUICE_STREAMS_TOKEN`,
 * and without `SLUICE_OPERATOR_TOKEN` nobody has the operator's views.
 */
export function warnAboutOpenAccess(): void {
  const c = config()
  if (c.SLUICE_STREAMS_TOKEN === undefined) {
    console.warn(
      '[sluice] SLUICE_STREAMS_TOKEN is not set: anyone who can reach this server can create, append to and delete durable streams that no visitor owns (over /v1/stream and /api/durable). Set it to require "Authorization: Bearer <token>" on those writes.',
    )
  }
  if (c.SLUICE_OPERATOR_TOKEN === undefined) {
    console.warn(
      '[sluice] SLUICE_OPERATOR_TOKEN is not set: nobody can read the audit records or manage other visitors’ data, and anyone may reseed the shared demo table. Set it for a public deployment.',
    )
  }
}
