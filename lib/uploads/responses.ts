import { openStream } from '@/lib/activity'
import { sleep } from '@/lib/async'
import { AppError, type ErrorCode } from '@/lib/errors'
import { json } from '@/lib/http'
import { iterableToStream, reconnectEvent, type SseMessage, sseResponse } from '@/lib/stream'
import type { UploadProgress } from '@/lib/uploads/progress'
import type { Reception } from '@/lib/uploads/receive'
import type { UploadSession } from '@/lib/uploads/sessions'

/** Least time between two events on the browser's progress channel (the last one is never held back). */
export const PROGRESS_EVENT_INTERVAL_MS = 100

/** Where a finished upload can be downloaded. */
export function uploadUrl(name: string): string {
  return `/api/uploads/${encodeURIComponent(name)}`
}

/** The resume protocol's headers for an upload: its id, the server's offset, and the declared size. */
export function progressHeaders(progress: UploadProgress): Headers {
  const headers = new Headers({ 'Upload-Id': progress.id, 'Upload-Offset': String(progress.offset), 'Cache-Control': 'no-store' })
  if (progress.size !== null) headers.set('Upload-Length', String(progress.size))
  return headers
}

/** One progress line, as in document 000: the bytes on disk so far, in KiB. */
export function receivedLine(bytes: number): string {
  return `Received ${Math.round(bytes / 1024)} KB\n`
}

/** The last line of a full-duplex upload: what happened, and how to go on if it can. */
export function summaryLine(progress: UploadProgress): string {
  switch (progress.state) {
    case 'complete':
      return `Upload complete: ${progress.name}, ${progress.offset} bytes, sha256 ${progress.sha256}\n`
    case 'paused':
      return `Upload paused at byte ${progress.offset} of ${progress.size}; continue with Upload-Id: ${progress.id} and Upload-Offset: ${progress.offset}\n`
    case 'cancelled':
      return 'Upload cancelled\n'
    default: {
      const error = progress.error ?? { code: 'internal:unexpected', message: 'The upload failed' }
      return `Upload failed: ${error.message} (${error.code})\n`
    }
  }
}

/** How long progress lines gather before they are written together (each chunk still gets its line). */
export const LINE_BATCH_MS = 10
/** Lines kept for a reader that does not keep up; past this, the oldest are dropped. */
const MAX_PENDING_LINES = 10_000

/**
 * The text the full-duplex `PUT` streams back while the body is still arriving: a first line naming
 * the upload, a `Received N KB` line for each chunk written to disk, and a summary line. Lines that
 * arrive within {@link LINE_BATCH_MS} are written together: one socket write instead of one per
 * 64 KiB chunk. Never slows the upload: a reader that falls far behind loses the oldest lines.
 *
 * Subscribes at once (not on the first read), so no chunk written meanwhile is missed.
 */
export function progressLines(reception: Reception, signal?: AbortSignal): AsyncGenerator<string> {
  const pending: number[] = []
  let wake: (() => void) | undefined
  let finished = false
  const stopListening = reception.onChunk((offset) => {
    if (pending.length >= MAX_PENDING_LINES) pending.shift()
    pending.push(offset)
    wake?.()
  })
  const finish = () => {
    finished = true
    wake?.()
  }
  void reception.done.then(finish, finish)
  signal?.addEventListener('abort', finish, { once: true })

  async function* lines(): AsyncGenerator<string> {
    const { session, startOffset, done } = reception
    const size = session.progress.value.size
    try {
      yield `Upload ${session.id}: ${session.name}, ${size === null ? 'size not declared' : `${size} bytes`}, from byte ${startOffset}\n`
      while (!finished) {
        if (pending.length === 0) await new Promise<void>((resolve) => (wake = resolve))
        else {
          if (!finished) await sleep(LINE_BATCH_MS)
          yield pending.splice(0).map(receivedLine).join('')
        }
      }
      if (pending.length > 0) yield pending.splice(0).map(receivedLine).join('')
      if (!signal?.aborted) yield summaryLine(await done)
    } finally {
      stopListening()
      signal?.removeEventListener('abort', finish)
    }
  }
  return lines()
}

/** True when the client asked for one JSON result instead of streamed progress lines (browsers do). */
function wantsJson(request: Request): boolean {
  const accept = request.headers.get('accept') ?? ''
  return /\bapplication\/json\b/i.test(accept) && !/\btext\/plain\b/i.test(accept)
}

/** The failure of a finished request in the app's error shape, with the upload's state as details. */
function failure(progress: UploadProgress): AppError {
  if (progress.state === 'cancelled') return new AppError('gone:upload', 'The upload was cancelled', { details: progress })
  const error = progress.error ?? { code: 'internal:unexpected', message: 'The upload failed' }
  return new AppError(error.code as ErrorCode, error.message, { details: progress })
}

/**
 * The response to an upload `PUT`. By default it streams {@link progressLines} at once, while the
 * body is still arriving (`curl -T file -N`). With `Accept: application/json` it answers once the
 * body is written: 201 with the upload when complete, 200 when paused, the error otherwise.
 * Browsers use the JSON form: they cannot read a response before their body is sent, and follow
 * progress on the separate event channel instead.
 */
export async function uploadResponse(reception: Reception, request: Request): Promise<Response> {
  const { session, startOffset } = reception
  if (wantsJson(request)) {
    const progress = await reception.done
    const headers = progressHeaders(progress)
    if (progress.state === 'complete') headers.set('Location', uploadUrl(progress.name))
    if (progress.state === 'complete' || progress.state === 'paused') {
      return json(progress, { status: progress.state === 'complete' ? 201 : 200, headers })
    }
    return failure(progress).toResponse(headers)
  }
  const headers = progressHeaders({ ...session.progress.value, offset: startOffset })
  headers.set('Content-Type', 'text/plain; charset=utf-8')
  headers.set('X-Content-Type-Options', 'nosniff')
  headers.set('X-Accel-Buffering', 'no')
  const body = iterableToStream((signal) => progressLines(reception, signal), { signal: request.signal })
  return new Response(body, { status: 200, headers })
}

/**
 * The browser's progress channel for one upload: an SSE stream of `progress` events (the
 * {@link UploadProgress} snapshot, driven by bytes written to disk), at most one per
 * {@link PROGRESS_EVENT_INTERVAL_MS}, ending after a final state with a `done` event. It stays open
 * across a broken-off request, so a resumed upload reports on the same channel.
 *
 * Each event's `id` is the snapshot's version. At its lifetime (`SLUICE_STREAM_LIFETIME_MS`) the
 * channel ends with `event: reconnect` carrying the last version; `EventSource` reconnects with it
 * as `Last-Event-ID` and gets the next snapshot, never one it already has. Snapshots are coalesced
 * by design (a reader gets the newest state, not every intermediate one), so "no gap" here means
 * every state the upload reaches after the reconnect, the final one included.
 */
export function progressEventsResponse(session: UploadSession, request: Request, afterVersion?: number): Response {
  let last = afterVersion
  async function* events(signal: AbortSignal): AsyncGenerator<SseMessage> {
    for await (const { version, progress } of session.progress.watchVersions({
      signal,
      minIntervalMs: PROGRESS_EVENT_INTERVAL_MS,
      after: afterVersion,
    })) {
      last = version
      yield { event: 'progress', id: version, data: progress }
    }
  }
  return sseResponse(events, {
    signal: request.signal,
    onEnd: openStream('upload-progress'),
    lifetime: { end: () => reconnectEvent(last, { uploadId: session.progress.value.id }) },
  })
}
