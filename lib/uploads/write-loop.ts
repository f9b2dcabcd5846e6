import type { Hash } from 'node:crypto'
import { rm, type FileHandle } from 'node:fs/promises'
import { sleep } from '@/lib/async'
import { config } from '@/lib/config'
import { AppError, diskFullError, isAppError, isDiskFull } from '@/lib/errors'
import { commitUpload } from '@/lib/uploads/files'
import { partInfoPath, partPath } from '@/lib/uploads/layout'
import type { UploadProgress } from '@/lib/uploads/progress'
import { ReadAhead } from '@/lib/uploads/read-ahead'
import { removePart, settle, type UploadSession } from '@/lib/uploads/sessions'

/** What one request writes: where, from which offset, up to which declared size. */
export interface WriteJob {
  handle: FileHandle
  hash: Hash
  /** The request body, from any transport (see `lib/uploads/read-ahead.ts`). */
  body: AsyncIterable<Uint8Array> | null
  /** Free each written chunk's memory at once (see `ReceiveInput.releaseChunks`). */
  releaseChunks: boolean
  offset: number
  size: number | null
  signal: AbortSignal
  chunkListeners: ReadonlySet<(offset: number) => void>
}

/** Writes all of `chunks`, in order, from `position` in one `writev` (a write may take fewer bytes than asked). */
async function writeAll(handle: FileHandle, chunks: Uint8Array[], position: number): Promise<void> {
  let rest = chunks
  let at = position
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest, at)
    at += bytesWritten
    let skip = bytesWritten
    const left: Uint8Array[] = []
    for (const chunk of rest) {
      if (skip >= chunk.byteLength) skip -= chunk.byteLength
      else {
        left.push(skip > 0 ? chunk.subarray(skip) : chunk)
        skip = 0
      }
    }
    rest = left
  }
}

/**
 * Frees a chunk's memory now, if the chunk is the whole of its `ArrayBuffer` (a request body's
 * chunk is: undici copies each one into a buffer of its own, and so does Node's HTTP parser).
 * Detaching a buffer takes its bytes out of V8's external-memory count at once; left to the
 * garbage collector, 64 MiB of such garbage starts a full mark-compact of the whole heap, which in
 * a Next.js server is most of an upload's CPU time. A view into a larger buffer is left alone.
 */
function release(chunk: Uint8Array): void {
  const buffer = chunk.buffer
  if (buffer instanceof ArrayBuffer && !buffer.detached && chunk.byteOffset === 0 && chunk.byteLength === buffer.byteLength) {
    buffer.transfer(0)
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
 * The loop: take what the read-ahead has read (a few chunks at most), check it, start writing it,
 * hash it while the disk writes, report each chunk once it is on disk, and go again. The body is
 * read while the previous chunks are being written, but never more than `READ_AHEAD_BYTES` ahead
 * of the disk, so memory stays flat whatever the file size.
 */
export async function writeBody(session: UploadSession, job: WriteJob): Promise<UploadProgress> {
  const { handle, hash, size, signal } = job
  const { SLUICE_UPLOAD_MAX_BYTES: max, SLUICE_UPLOAD_THROTTLE_BPS: bps } = config()
  const wait = bps > 0 ? throttle(bps) : undefined
  const body = job.body && new ReadAhead(job.body)
  const onAbort = () => body?.stop(signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  let offset = job.offset
  let open = true
  try {
    for (;;) {
      const chunks = body ? await body.take().catch(brokenOff) : []
      if (signal.aborted) throw signal.reason
      if (chunks.length === 0) break
      let bytes = 0
      for (const chunk of chunks) bytes += chunk.byteLength
      const end = offset + bytes
      if (size !== null && end > size) throw new AppError('bad_request:length', `The body goes past the declared size of ${size} bytes`)
      if (end > max) throw new AppError('too_large:upload', `The upload is over the limit of ${max} bytes`, { details: { max } })
      const written = writeAll(handle, chunks, offset)
      // Hash on this thread while the disk writes on another. Until the write has succeeded the
      // hash is ahead of the disk: a resume after a failed write must recompute it from the part.
      session.hashedBytes = -1
      for (const chunk of chunks) hash.update(chunk)
      await written
      for (const chunk of chunks) {
        offset += chunk.byteLength
        for (const listener of job.chunkListeners) listener(offset)
        if (job.releaseChunks) release(chunk)
      }
      session.hashedBytes = offset
      session.progress.update({ offset })
      await wait?.(bytes, signal)
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
    body?.stop(error) // stop the rest of the body from being read
    return fail(session, offset, error)
  } finally {
    signal.removeEventListener('abort', onAbort)
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
