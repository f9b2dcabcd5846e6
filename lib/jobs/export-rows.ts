import { setImmediate as nextTurn } from 'node:timers/promises'
import { reserveSlot } from '@/lib/access'
import { openStream as countOpenStream } from '@/lib/activity'
import { streams, type StreamWriter } from '@/lib/durable'
import { AppError, isAppError, toAppError, type ErrorBody } from '@/lib/errors'
import { BodyRows, CsvRows, type Row, type RowsFormat } from '@/lib/rows'

export interface RowsExportOptions {
  format: RowsFormat
  /** The CSV's columns; without them, the first row's keys. */
  columns?: string[]
  /** The largest body accepted (`too_large:body` beyond). */
  maxBytes: number
}

/** The last line of the response: the export closed, or why it failed (and its stream was deleted). */
export type RowsExportOutcome = { rows: number; bytes: number } | ErrorBody

export interface StartedRowsExport {
  /** The export's stream: it already holds the header and the first rows. */
  writer: StreamWriter
  /**
   * Reads the rest of the body into the stream, at the pace the store takes it, and returns the
   * response's body (NDJSON): `first` at once, then, when the request body has ended, the
   * {@link RowsExportOutcome}. The response stays open while the body is read (why:
   * docs/durable-streams.md, "Export rows sent in the request"). On a failure the stream is
   * deleted, then `onDeleted` runs (to forget its owner).
   */
  respond(first: object, onDeleted: () => Promise<void>): ReadableStream<Uint8Array>
  /** Gives the export up before responding: deletes its stream and frees its slot. */
  abandon(): Promise<void>
}

/** The body's format from its `Content-Type`: `application/json` (an array) or `application/x-ndjson`. */
export function rowsFormat(contentType: string | null): RowsFormat {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
  if (type === 'application/json') return 'json'
  if (type === 'application/x-ndjson') return 'ndjson'
  throw new AppError(
    'unsupported_media_type:body',
    `Send the rows as a JSON array (Content-Type: application/json) or as NDJSON (Content-Type: application/x-ndjson)${contentType ? `, not ${contentType}` : ''}`,
  )
}

async function deleteStream(id: string): Promise<boolean> {
  try {
    await streams.delete(id)
    return true
  } catch (error) {
    if (isAppError(error) && error.code === 'not_found:stream') return true // deleted meanwhile (e.g. by its owner)
    console.error(`[sluice:export] could not delete the failed export ${id}; it stays open (incomplete)`, error)
    return false
  }
}

/**
 * Starts an export of the rows a client sends (a JSON array or NDJSON, read as it arrives) into a
 * new durable CSV stream. Takes an `export` slot (429 beyond the caps), then reads the body up to
 * the first chunk that completes a row (or its end): whatever is wrong up to there is refused
 * with the app's error and nothing is created. Then it creates the stream, writes the header and
 * those rows, and returns; {@link StartedRowsExport.respond} goes on from there.
 */
export async function startRowsExport(
  body: ReadableStream<Uint8Array> | null,
  options: RowsExportOptions,
  visitor?: string,
): Promise<StartedRowsExport> {
  const slot = reserveSlot('export', visitor)
  const source = new BodyRows(body, { format: options.format, maxBytes: options.maxBytes })
  const csv = new CsvRows(options.columns)
  let rows = 0
  let writer: StreamWriter
  try {
    let first: Row[] = []
    while (first.length === 0 && !source.done) first = await source.next()
    const text = csv.format(first, 1)
    rows = first.length
    writer = await streams.create('export', {
      contentType: 'text/csv',
      metadata: { source: 'request', format: options.format },
      ttl: 86_400,
    })
    try {
      await writer.write(text)
      if (source.done) await writer.close()
    } catch (error) {
      await deleteStream(writer.id)
      throw error
    }
  } catch (error) {
    slot()
    void source.discardRest() // the client may still be sending: let it finish and read the refusal
    throw error
  }
  const release = countOpenStream('export:rows')

  const finish = async (onDeleted: () => Promise<void>): Promise<RowsExportOutcome> => {
    try {
      while (!source.done) {
        const batch = await source.next()
        if (batch.length > 0) {
          await writer.write(csv.format(batch, rows + 1))
          rows += batch.length
        }
        // Body chunks already received and store writes can both complete without waiting for
        // I/O: yield, so that other requests (and this stream's readers) are served meanwhile.
        await nextTurn()
      }
      await writer.close()
      return { rows, bytes: writer.bytesWritten }
    } catch (error) {
      const failure = toAppError(error)
      if (await deleteStream(writer.id))
        await onDeleted().catch((e: unknown) => console.error(`[sluice:export] ${writer.id}: forgetting its owner failed`, e))
      void source.discardRest()
      return failure.toJSON()
    } finally {
      release()
      slot()
    }
  }

  return {
    writer,
    respond(first, onDeleted) {
      const outcome = finish(onDeleted) // runs whether or not anyone reads the response
      const encoder = new TextEncoder()
      const line = (value: unknown) => encoder.encode(`${JSON.stringify(value)}\n`)
      return new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(line(first))
        },
        async pull(controller) {
          const last = await outcome
          try {
            controller.enqueue(line(last))
            controller.close()
          } catch {
            // the client went away: nobody to tell
          }
        },
      })
    },
    async abandon() {
      await deleteStream(writer.id)
      release()
      slot()
    },
  }
}
