import type { Hash } from 'node:crypto'
import { rm, type FileHandle } from 'node:fs/promises'
import { sleep } from '@/lib/async'
import { config } from '@/lib/config'
import { AppError, diskFullError, isAppError, isDiskFull } from '@/lib/errors'
import { commitUpload } from '@/lib/uploads/files'
import { partInfoPath, partPath } from '@/lib/uploads/layout'
import type { UploadProgress } from '@/lib/uploads/progress'
import { removePart, settle, type UploadSession } from '@/lib/uploads/sessions'

/** What one request writes: where, from which offset, up to which declared size. */
export interface WriteJob {
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
export async function writeBody(session: UploadSession, job: WriteJob): Promise<UploadProgress> {
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
  // A full disk keeps what was written: the upload resumes from its offset once there is space.
  const appError = isAppError(error) ? error : isDiskFull(error) ? diskFullError(error) : undefined
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
