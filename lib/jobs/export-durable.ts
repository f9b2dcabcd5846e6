import { setImmediate as nextTurn } from 'node:timers/promises'
import { reserveSlot } from '@/lib/access'
import { openStream as countOpenStream } from '@/lib/activity'
import { streams, type StreamWriter } from '@/lib/durable'
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
  const slot = reserveSlot('export', visitor) // 429 beyond the caps: background exports fill the disk
  let snapshot
  try {
    snapshot = await jobsStore().openExport({ limit: options.limit }) // the count and the rows: one snapshot
  } catch (error) {
    slot()
    throw error
  }
  const rows = snapshot.total
  let writer: StreamWriter
  try {
    writer = await streams.create('export', {
      contentType: exportContentTypes[options.format],
      compress: options.gzip,
      metadata: { source: 'export_rows', format: options.format, rows: String(rows) },
      ttl: 86_400,
    })
  } catch (error) {
    snapshot.close()
    slot()
    throw error
  }
  const release = countOpenStream('export:durable')
  const run = async () => {
    try {
      for await (const chunk of snapshot.chunks(options.format)) {
        await writer.write(chunk)
        // The store's writes can complete without I/O waits: yield, or the response, and every
        // other request, would wait for the whole export.
        await nextTurn()
      }
      await writer.close()
    } catch (error) {
      console.error(`[sluice:export] durable export ${writer.id} failed`, error)
    } finally {
      snapshot.close()
      release()
      slot()
    }
  }
  return { writer, rows, run }
}
