import { open } from 'node:fs/promises'
import { openStream } from '@/lib/activity'
import { AppError } from '@/lib/errors'
import { partPath } from '@/lib/uploads/layout'
import { parseUploadName } from '@/lib/uploads/names'
import { isFinal, type UploadProgress } from '@/lib/uploads/progress'
import { assertSizeAllowed, createUpload, getUpload, hashUpTo, stopAttempt, type Attempt, type UploadSession } from '@/lib/uploads/sessions'
import { writeBody, type WriteJob } from '@/lib/uploads/write-loop'

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
  /**
   * The body, from any transport: a route handler passes `chunksOf(request.body)`
   * (`lib/uploads/read-ahead.ts`), a Node handler the `IncomingMessage` itself.
   */
  body: AsyncIterable<Uint8Array> | null
  /**
   * The body's chunks belong to this upload alone (a request body read by nothing else): the
   * memory of each chunk that fills its own `ArrayBuffer` is freed as soon as the chunk is on disk
   * and hashed (the buffer is detached), instead of at the garbage collector's next full
   * mark-compact (`docs/uploads.md`, "Where the full GCs come from"). Default false.
   */
  releaseChunks?: boolean
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
    if ((input.offset ?? 0) !== 0)
      throw new AppError('bad_request:upload_offset', 'Upload-Offset needs the Upload-Id of the upload to continue')
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
  const job: WriteJob = {
    handle,
    hash,
    body: input.body,
    releaseChunks: input.releaseChunks ?? false,
    offset,
    size,
    signal: controller.signal,
    chunkListeners,
  }
  const attempt: Attempt = {
    controller,
    done: writeBody(session, job).finally(() => {
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
