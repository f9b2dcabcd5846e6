import { z } from 'zod'
import { bytes, doc } from './atoms.ts'

/** Durable streams. */
export const durableVariables = {
  SLUICE_STREAMS_TOKEN: z
    .string()
    .min(1)
    .optional()
    .meta(
      doc({
        group: 'Durable streams',
        description:
          'Bearer token required for protocol writes (`/v1/stream/*`, `POST`/`DELETE /api/durable`) to streams no visitor owns. Unset: those writes are open to anyone (a warning is logged at start).',
        doc: 'docs/durable-streams.md',
      }),
    ),
  SLUICE_STREAMS_DURABILITY: z
    .enum(['process', 'fsync'])
    .default('process')
    .meta(
      doc({
        group: 'Durable streams',
        description:
          '`process`: an acknowledged append survives a crash or `kill -9` of the server; `fsync`: also a power cut (each append is flushed to disk first — slower).',
        doc: 'docs/durable-streams.md',
      }),
    ),
  SLUICE_STREAMS_MAX_APPEND_BYTES: bytes.default(16 * 1024 * 1024).meta(
    doc({
      group: 'Durable streams',
      description: 'Largest append or initial body (413 `too_large:append` above, nothing stored).',
      doc: 'docs/durable-streams.md',
    }),
  ),
  SLUICE_STREAMS_READ_CHUNK_BYTES: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(0)
    .meta(
      doc({
        group: 'Durable streams',
        description: 'Largest catch-up response; 0 = the whole rest of the stream (streamed from disk, constant memory).',
        doc: 'docs/durable-streams.md',
      }),
    ),
  SLUICE_STREAMS_LONG_POLL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(25_000)
    .meta(
      doc({
        group: 'Durable streams',
        description: 'How long a long-poll read waits for new data before `204`.',
        doc: 'docs/durable-streams.md',
      }),
    ),
  SLUICE_STREAMS_SSE_MAX_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(60_000)
    .meta(
      doc({
        group: 'Durable streams',
        description: 'Live SSE reads end after this; clients reconnect from their offset (and CDNs can collapse requests).',
        doc: 'docs/durable-streams.md',
      }),
    ),
  SLUICE_STREAMS_SWEEP_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(60_000)
    .meta(
      doc({ group: 'Durable streams', description: 'How often expired streams are swept from storage.', doc: 'docs/durable-streams.md' }),
    ),
}
