import type { Hash } from 'node:crypto'
import { open, rm, type FileHandle } from 'node:fs/promises'
import { openStream } from '@/lib/activity'
import { sleep } from '@/lib/async'
import { config } from '@/lib/config'
import { AppError, isAppError } from '@/lib/errors'
import { commitUpload } from '@/lib/uploads/files'
import { partInfoPath, partPath } from '@/lib/uploads/layout'
import { parseUploadName } from '@/lib/uploads/names'
import { isFinal, type UploadProgress } from '@/lib/uploads/progress'
import {
  assertSizeAllowed,
  createUpload,
  getUpload,
  hashUpTo,
  removePart,
  settle,
  stopAttempt,
  type Attempt,
  type UploadSession,
} from '@/lib/uploads/sessions'

/** One request's worth of an upload, as the route handler hands it over. */
export interface ReceiveInput {
  name: string
  /** Continue this upload (`Upload-Id`); without it a new upload starts. */
  id?: string
  /** Where this body starts in the file (`Upload-Offset`, default 0); must equal the server's offset. */
  offset?: number
  /** The whole file's size (`Upload-Length`), if the client knows it. */
  length?: number
  /** This body's size (`Content-Length`), if known. */
  contentLength?: number
  body: ReadableStream<Uint8Array> | null
  /** Aborts when the client goes away (`request.signal`). */
  signal?: AbortSignal
}

/** A request that is being written to disk. */
export interface Reception {
  session: UploadSession
  /** The offset this request's body starts at. */
  startOffset: number
  /** Settles with the upload's state once this request's body has been written (or has failed). */
  done: Promise<UploadProgress>
  /**
   * Calls `listener` with the new offset after each chunk of this request is on disk (the progress
   * cell coalesces; this does not). Returns the function that stops it.
   */
  onChunk(listener: (offset: number) => void): () => void
}

/** The declared size after this request, or `null` if still unknown. Throws 400/413 for impossible sizes. */
function declaredSize(known: number | null, input: ReceiveInput, offset: number): number | null {
  let size = known
  if (input.length !== undefined) {
    if (size !== null && size !== input.length) {
      throw new AppError('bad_request:length', `Upload-Length ${input.length} differs from the size declared before (${size})`)
    }
    size = input.length
  } else if (size === null && offset === 0 && input.contentLength !== undefined) {
    size = input.contentLength
  }
  if (size !== null) {
    assertSizeAllowed(size)
    if (size < offset) throw new AppError('bad_request:length', `The size ${size} is smaller than the offset ${offset}`)
  }
  if (input.contentLength !== undefined) {
    const end = offset + input.contentLength
    if (size !== null && end > size) throw new AppError('bad_request:length', `The body would end at ${end}, past the size ${size}`)
    assertSizeAllowed(end)
  }
  return size
}

async function sessionFor(input: ReceiveInput, name: string): Promise<UploadSession> {
  if (input.id === undefined) {
    if ((input.offset ?? 0) !== 0) throw new AppError('bad_request:upload_offset', 'Upload-Offset needs the Upload-Id of the upload to continue')
    return createUpload({ name, size: declaredSize(null, input, 0) })
  }
  const session = await getUpload(input.id)
  if (session.name !== name) throw new AppError('conflict:upload_name', `Upload ${session.id} is for ${JSON.stringify(session.name)}`)
  const { state } = session.progress.value
  if (state === 'complete') throw new AppError('conflict:upload', 'The upload is already complete')
  if (isFinal(session.progress.value)) throw new AppError('gone:upload', 'The upload was cancelled or failed and its bytes were removed')
  return session
}

/**
 * Starts writing a request body into an upload and returns at once; `done` settles when the body
 * has been written. A new upload is created unless `id` names one to continue. A continuation
 * stops any request still writing the same upload first (a client that lost its connection may
 * retry before the server notices), then must start exactly at the server's offset (409
 * `conflict:upload_offset` otherwise, with the offset in `details`).
 */
export async function receiveUpload(input: ReceiveInput): Promise<Reception> {
  const name = parseUploadName(input.name)
  const session = await sessionFor(input, name)
  await stopAttempt(session, new AppError('conflict:upload', 'A newer request took over this upload'))
  const offset = session.progress.value.offset
  if ((input.offset ?? 0) !== offset) {
    throw new AppError('conflict:upload_offset', `The upload is at offset ${offset}, not ${input.offset ?? 0}`, { details: { offset } })
  }
  const size = declaredSize(session.progress.value.size, input, offset)
  const hash = await hashUpTo(session, offset)
  const handle = await open(partPath(session.id), 'r+')
  try {
    await handle.truncate(offset) // bytes past the offset are a write that was cut short
  } catch (error) {
    await handle.close()
    throw error
  }

  const controller = new AbortController()
  const onClientAbort = () => controller.abort(new AppError('bad_request:aborted', 'The request broke off'))
  if (input.signal?.aborted) onClientAbort()
  input.signal?.addEventListener('abort', onClientAbort, { once: true })
  const release = openStream('upload')
  session.progress.update({
    state: 'receiving',
    size,
    attemptOffset: offset,
    attempts: session.progress.value.attempts + 1,
    error: undefined,
    resumable: undefined,
  })
  const chunkListeners = new Set<(offset: number) => void>()
  const job: WriteJob = { handle, hash, body: input.body, offset, size, signal: controller.signal, chunkListeners }
  const attempt: Attempt = {
    controller,
    done: write(session, job).finally(() => {
      input.signal?.removeEventListener('abort', onClientAbort)
      if (session.attempt === attempt) session.attempt = undefined
      release()
    }),
  }
  session.attempt = attempt
  return {
    session,
    startOffset: offset,
    done: attempt.done,
    onChunk(listener) {
      chunkListeners.add(listener)
      return () => chunkListeners.delete(listener)
    },
  }
}

interface WriteJob {
  handle: FileHandle
  hash: Hash
  body: ReadableStream<Uint8Array> | null
  offset: number
  size: number | null
  signal: AbortSignal
  chunkListeners: ReadonlySet<(offset: number) => void>
}

/** Writes all of `chunk` at `position` (a write may take fewer bytes than asked). */
async function writeAll(handle: FileHandle, chunk: Uint8Array, position: number): Promise<void> {
  let written = 0
  while (written < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, written, chunk.byteLength - written, position + written)
    written += bytesWritten
  }
}

/** A body that fails to read means the client or the network went away: expected, resumable, not logged. */
function brokenOff(cause: unknown): never {
  throw new AppError('bad_request:aborted', 'The request body broke off', { cause })
}

/** Test-only write cap (`SLUICE_UPLOAD_THROTTLE_BPS`): waits until `bytes` would have taken that long. */
function throttle(bytesPerSecond: number): (bytes: number, signal: AbortSignal) => Promise<void> {
  const start = performance.now()
  let total = 0
  return async (bytes, signal) => {
    total += bytes
    const wait = start + (total / bytesPerSecond) * 1000 - performance.now()
    if (wait > 0) await sleep(wait, signal)
  }
}

/**
 * The loop: read one chunk, write it, hash it, report it, and only then read the next. The body is
 * never read faster than the disk takes it, so memory holds one chunk whatever the file size.
 */
async function write(session: UploadSession, job: WriteJob): Promise<UploadProgress> {
  const { handle, hash, size, signal } = job
  const { SLUICE_UPLOAD_MAX_BYTES: max, SLUICE_UPLOAD_THROTTLE_BPS: bps } = config()
  const wait = bps > 0 ? throttle(bps) : undefined
  const reader = job.body?.getReader()
  const onAbort = () => void reader?.cancel(signal.reason).catch(() => {})
  signal.addEventListener('abort', onAbort, { once: true })
  let offset = job.offset
  let open = true
  try {
    for (;;) {
      const next = reader ? await reader.read().catch(brokenOff) : { done: true as const, value: undefined }
      if (signal.aborted) throw signal.reason
      if (next.done) break
      const chunk = next.value
      if (chunk.byteLength === 0) continue
      const end = offset + chunk.byteLength
      if (size !== null && end > size) throw new AppError('bad_request:length', `The body goes past the declared size of ${size} bytes`)
      if (end > max) throw new AppError('too_large:upload', `The upload is over the limit of ${max} bytes`, { details: { max } })
      await writeAll(handle, chunk, offset)
      hash.update(chunk)
      offset = end
      session.hashedBytes = offset
      session.progress.update({ offset })
      for (const listener of job.chunkListeners) listener(offset)
      await wait?.(chunk.byteLength, signal)
    }
    if (size !== null && offset < size) {
      open = false
      await handle.close()
      return session.progress.update({ state: 'paused' })
    }
    await handle.sync()
    open = false
    await handle.close()
    const sha256 = hash.copy().digest('hex')
    await commitUpload({ name: session.name, part: partPath(session.id), size: offset, sha256 })
    await rm(partInfoPath(session.id), { force: true })
    return settle(session, { state: 'complete', offset, size: offset, sha256 })
  } catch (error) {
    if (open) await handle.close().catch(() => {})
    await reader?.cancel(error).catch(() => {}) // stop the rest of the body from being read
    return fail(session, offset, error)
  } finally {
    signal.removeEventListener('abort', onAbort)
    reader?.releaseLock()
  }
}

/** Reports why a request stopped and decides whether its bytes are kept for a resume. */
async function fail(session: UploadSession, offset: number, error: unknown): Promise<UploadProgress> {
  const appError = isAppError(error) ? error : undefined
  // Cancelled: cancelUpload removes the part once this request has let go of it, and only then
  // reports `cancelled` on the progress channels; this request's own response says so already.
  if (appError?.code === 'gone:upload') return { ...session.progress.value, state: 'cancelled', resumable: false, error: undefined }
  if (appError && (appError.kind === 'too_large' || appError.code === 'bad_request:length')) {
    await removePart(session.id)
    return settle(session, { state: 'failed', offset: 0, resumable: false, error: { code: appError.code, message: appError.message } })
  }
  if (!appError && !(error instanceof Error && error.name === 'AbortError')) {
    console.error(`[sluice] upload ${session.id} failed after ${offset} bytes`, error)
  }
  const message = `${appError?.message ?? 'The request broke off'} after ${offset} bytes; continue with Upload-Offset: ${offset}`
  return settle(session, {
    state: 'failed',
    offset,
    resumable: true,
    error: { code: appError?.code ?? 'bad_request:aborted', message },
  })
}
