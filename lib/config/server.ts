import { z } from 'zod'
import { bytes, doc, ms } from './atoms.ts'

/** Server: where data lives, request limits, heartbeats, response lifetimes. */
export const serverVariables = {
  SLUICE_DATA_DIR: z
    .string()
    .min(1)
    .default('./data')
    .meta(doc({ group: 'Server', description: 'Where everything Sluice stores lives (SQLite databases, stream files, uploads).' })),
  SLUICE_MAX_BODY_BYTES: bytes
    .default(64 * 1024 * 1024)
    .meta(doc({ group: 'Server', description: 'Largest request body a demo accepts (413 above).' })),
  SLUICE_HEARTBEAT_MS: ms
    .default(15_000)
    .meta(doc({ group: 'Server', description: 'Heartbeat comment interval on quiet SSE streams, so proxies do not close them.' })),
  SLUICE_DISK_RESERVE_BYTES: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(1024 * 1024)
    .meta(
      doc({
        group: 'Server',
        description:
          'Space set aside under SLUICE_DATA_DIR (`.disk-reserve`) so that deletes still work on a full disk: SQLite needs a little room to record a delete. 0 turns it off.',
        doc: 'README.md',
      }),
    ),
  SLUICE_STREAM_LIFETIME_MS: z.coerce
    .number()
    .int()
    .min(500)
    .max(24 * 60 * 60 * 1000)
    .default(270_000)
    .meta(
      doc({
        group: 'Server',
        description:
          'How long one long-lived response (feed, durable live reads, typed streams, chat answers and follows, upload progress) stays open before it ends between two events with a resumable end (`reconnect` event, `control` event or a chat `data-reconnect` part); clients resume with no gap. 270 s: 30 s below the `maxDuration` of 300 s those routes export for Vercel.',
        doc: 'docs/architecture.md',
      }),
    ),
}
