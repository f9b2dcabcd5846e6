import { startBackgroundWrite, type StreamWriter } from '@/lib/durable'
import { exportContentTypes, type ExportOptions } from '@/lib/jobs/export'
import { jobsStore } from '@/lib/jobs/instance'

export interface StartedExport {
  writer: StreamWriter
  /** Rows the export will hold (one snapshot of the table). */
  rows: number
  /** The background work: hand it to `after()`. Never rejects; a failure is logged and the stream left open (incomplete). */
  run: () => Promise<void>
}

/**
 * Creates a durable stream (document 002) for an export of the table and returns it before any
 * row is written; `run()` then copies the rows of one snapshot of the table into it, one ~64 KiB
 * chunk at a time, each write awaited (the store's pace: memory stays flat), and closes it. `gzip` asks the durable
 * store to compress the stream at rest once it is closed.
 */
export async function startDurableExport(options: ExportOptions, visitor?: string): Promise<StartedExport> {
  // On the background-writer service: an `export` slot (429 beyond the caps: background exports
  // fill the disk), the snapshot (the count and the rows: one snapshot), the stream, then `run`.
  const {
    writer,
    prepared: snapshot,
    run,
  } = await startBackgroundWrite({
    slot: 'export',
    visitor,
    name: 'export:durable',
    namespace: 'export',
    prepare: async () => {
      const snapshot = await jobsStore().openExport({ limit: options.limit })
      return { value: snapshot, dispose: () => snapshot.close() }
    },
    stream: (snapshot) => ({
      contentType: exportContentTypes[options.format],
      compress: options.gzip,
      metadata: { source: 'export_rows', format: options.format, rows: String(snapshot.total) },
      ttl: 86_400,
    }),
    produce: async (write, snapshot) => {
      for await (const chunk of snapshot.chunks(options.format)) await write(chunk)
    },
  })
  return { writer, rows: snapshot.total, run }
}
