import { openStream as countOpenStream } from '@/lib/activity'
import { jobsStore } from '@/lib/jobs/instance'
import type { ExportFormat } from '@/lib/jobs/store'
import { STORED_CONTENT_HEADERS } from '@/lib/security-headers'
import { iterableToStream, throttled } from '@/lib/stream'

export type { ExportFormat } from '@/lib/jobs/store'

export interface ExportOptions {
  format: ExportFormat
  gzip: boolean
  /** Export at most this many rows (the first ones, by id). */
  limit?: number
  /** Slow motion: at most this many bytes per second, before compression. */
  rate?: number
}

/** gzip as a typed transform (TS's DOM types give CompressionStream a wider input). */
function gzip(): TransformStream<Uint8Array, Uint8Array> {
  return new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>
}

export const exportContentTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
}

/**
 * A streaming download of the export table: pull-based (the store is read only as fast as the
 * client reads, one ~64 KiB chunk at a time), optionally gzip-compressed into a `.gz` file,
 * cancelled with the request. The row count (`X-Total-Rows`) and the rows come from one snapshot
 * of the table (`JobsStore.openExport`).
 */
export async function exportDownload(options: ExportOptions, signal?: AbortSignal): Promise<Response> {
  const snapshot = await jobsStore().openExport({ limit: options.limit })
  const release = countOpenStream('export')
  const rate = options.rate
  const text = iterableToStream(
    (cancelled) => (rate ? throttled(snapshot.chunks(options.format), rate, cancelled) : snapshot.chunks(options.format)),
    {
      signal,
      onEnd: () => {
        release()
        snapshot.close()
      },
    },
  )
  const body = options.gzip ? text.pipeThrough(gzip()) : text
  const filename = `export-rows.${options.format}${options.gzip ? '.gz' : ''}`
  return new Response(body, {
    headers: {
      'Content-Type': options.gzip ? 'application/gzip' : exportContentTypes[options.format],
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'no-store',
      ...STORED_CONTENT_HEADERS,
      'X-Total-Rows': String(snapshot.total),
    },
  })
}
