import { z } from 'zod'
import { sleep } from '@/lib/async'
import { config } from '@/lib/config'
import { parseCsv } from '@/lib/csv'
import { AppError } from '@/lib/errors'
import { readHeader, validateRecord, type ImportRow, type Rejection } from '@/lib/jobs/import-rows'
import { generatedCsv, requireUploadBody, uploadBody, uploadText } from '@/lib/jobs/import-source'
import { jobsStore } from '@/lib/jobs/instance'
import type { ImportCounts } from '@/lib/jobs/store'
import { defineStream } from '@/lib/typed'

const count = z.number().int().nonnegative()
/** At most this many rejections are listed per progress chunk (all are counted). */
const MAX_LISTED_REJECTIONS = 100

const counts = { processed: count, inserted: count, rejected: count, batches: count, lastLine: count, bytes: count }

export const importProgress = z.object({
  ...counts,
  /** The rows this batch rejected, with the reason (the first 100). */
  rejections: z.array(z.object({ line: z.number().int().positive(), reason: z.string() })),
})

export const importSummary = z.object({ jobId: z.string(), ...counts, ms: count })

/**
 * The import job: reads a CSV (uploaded as the request body, or generated on the server), checks
 * each row, and stores the good ones (`JobsStore.commitImportBatch`) in atomic batches of
 * `batchSize` rows, together with the job's counters. After each committed batch it sends a
 * progress chunk; the final summary is the `complete` frame. A cancel stops it between batches: the `cancel` frame carries the summary of what was
 * committed, and the open batch is discarded, so the counts always match the stored rows.
 */
export const importJob = defineStream({
  name: 'import',
  input: z.object({
    source: z.enum(['generated', 'upload']).default('generated'),
    /** Generated rows (for `source: generated`). */
    rows: z.coerce.number<number>().int().min(1).max(1_000_000).default(1_000),
    /** Every n-th generated row is broken (0: none). */
    invalidEvery: z.coerce.number<number>().int().min(0).max(1_000_000).default(25),
    batchSize: z.coerce.number<number>().int().min(1).max(10_000).default(100),
    /** A pause after each batch, to watch the progress (a real import would not have it). */
    delayMs: z.coerce.number<number>().int().min(0).max(5_000).default(0),
  }),
  chunk: importProgress,
  final: importSummary,
  guards: [
    async function uploadHasBody(request, input) {
      if (input.source !== 'upload') return
      // With a JSON body, that body was the input: the CSV must be the body, the input the query string.
      if (/json/i.test(request.headers.get('content-type') ?? '')) {
        throw new AppError(
          'bad_request:upload',
          'Send the CSV file as the request body, and the input in the query string (?source=upload)',
        )
      }
      await requireUploadBody(request) // an empty body is refused here, before the first frame
    },
  ],
  handler: async function importCsv(input, writer, { request, signal, streamId }) {
    const started = Date.now()
    const committed: ImportCounts & { bytes: number } = { processed: 0, inserted: 0, rejected: 0, batches: 0, lastLine: 1, bytes: 0 }
    let bytesRead = 0
    const source =
      input.source === 'upload'
        ? uploadText(uploadBody(request)!, config().SLUICE_MAX_BODY_BYTES)
        : generatedCsv(input.rows, input.invalidEvery)
    async function* counted(pieces: AsyncIterable<string> | Iterable<string>) {
      for await (const piece of pieces) {
        bytesRead += Buffer.byteLength(piece)
        yield piece
      }
    }
    const summary = () => ({ jobId: streamId, ...committed, ms: Date.now() - started })

    let rows: ImportRow[] = []
    let rejections: Rejection[] = []
    let lastLine = 1
    async function commitBatch() {
      const next = {
        processed: committed.processed + rows.length + rejections.length,
        inserted: committed.inserted + rows.length,
        rejected: committed.rejected + rejections.length,
        batches: committed.batches + 1,
        lastLine,
      }
      await store.commitImportBatch(streamId, rows, next)
      Object.assign(committed, next, { bytes: bytesRead })
      const listed = rejections.slice(0, MAX_LISTED_REJECTIONS)
      rows = []
      rejections = []
      await writer.write({ ...committed, rejections: listed })
      if (input.delayMs > 0) await sleep(input.delayMs, signal)
    }

    const store = jobsStore()
    await store.createImportJob(streamId, input.source)
    try {
      let header: ReturnType<typeof readHeader> | undefined
      for await (const record of parseCsv(counted(source))) {
        if (!header) {
          header = readHeader(record)
          continue
        }
        const result = validateRecord(record, header)
        if ('row' in result) rows.push(result.row)
        else rejections.push(result.rejection)
        lastLine = record.line
        if (rows.length + rejections.length >= input.batchSize) await commitBatch()
        if (signal.aborted) break
      }
      if (!signal.aborted && !header) throw new AppError('bad_request:csv_header', 'The CSV is empty: it needs a header line')
      if (!signal.aborted && rows.length + rejections.length > 0) await commitBatch()
    } catch (error) {
      if (!writer.cancelled) {
        await store.finishImportJob(streamId, 'failed')
        throw error
      }
    }
    await store.finishImportJob(streamId, writer.cancelled ? 'cancelled' : 'complete')
    writer.close(summary()) // after a cancel this becomes the `cancel` frame's result
  },
})
