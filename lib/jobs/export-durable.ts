import { setImmediate as nextTurn } from 'node:timers/promises'
import { openStream as countOpenStream } from '@/lib/activity'
import { streams, type StreamWriter } from '@/lib/durable/service'
import { openJobsReader } from '@/lib/jobs/db'
import { exportChunks, type ExportOptions } from '@/lib/jobs/export'

export interface StartedExport {
  writer: StreamWriter
  /** Rows the export will hold (one snapshot of the table). */
  rows: number
  /** The background work: hand it to `after()`. Never rejects; a failure is logged and the stream left open (incomplete). */
  run: () => Promise<void>
}

const contentTypes = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson; charset=utf-8' } as const

/**
 * Creates a durable stream (document 002) for an export of the table and returns it before any
 * row is written; `run()` then copies the rows from a cursor into it, one ~64 KiB chunk at a time,
 * each write awaited (the store's pace: memory stays flat), and closes it. `gzip` asks the durable
 * store to compress the stream at rest once it is closed.
 */
export async function startDurableExport(options: ExportOptions): Promise<StartedExport> {
  const db = openJobsReader()
  let rows: number
  let writer: StreamWriter
  try {
    db.exec('BEGIN') // the count and the cursor read one snapshot
    const { n } = db.prepare('SELECT count(*) AS n FROM export_rows').get() as { n: number }
    rows = options.limit === undefined ? n : Math.min(n, options.limit)
    writer = await streams.create('export', {
      contentType: contentTypes[options.format],
      compress: options.gzip,
      metadata: { source: 'export_rows', format: options.format, rows: String(rows) },
      ttl: 86_400,
    })
  } catch (error) {
    db.close()
    throw error
  }
  const release = countOpenStream('export:durable')
  const run = async () => {
    try {
      for (const chunk of exportChunks(db, options.format, options.limit)) {
        await writer.write(chunk)
        // The store's writes can complete without I/O waits: yield, or the response, and every
        // other request, would wait for the whole export.
        await nextTurn()
      }
      await writer.close()
    } catch (error) {
      console.error(`[sluice:export] durable export ${writer.id} failed`, error)
    } finally {
      db.close()
      release()
    }
  }
  return { writer, rows, run }
}
