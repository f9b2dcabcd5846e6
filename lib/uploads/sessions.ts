import { createHash, type Hash } from 'node:crypto'
import { open, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { config } from '@/lib/config'
import { AppError } from '@/lib/errors'
import { singleton } from '@/lib/singleton'
import { ensureLayout, partInfoPath, partPath } from '@/lib/uploads/layout'
import { newUploadId, parseUploadId, parseUploadName } from '@/lib/uploads/names'
import { isFinal, ProgressCell, type UploadProgress } from '@/lib/uploads/progress'
import { startSweeper } from '@/lib/uploads/sweep'

/** The sweeper's view of the sessions: never remove a part being written; report expiry. */
function sweepUploads(): void {
  startSweeper({
    isActive: (id) => sessions().get(id)?.attempt !== undefined,
    onExpired: (id) => {
      const session = sessions().get(id)
      if (session && !isFinal(session.progress.value)) {
        settle(session, {
          state: 'failed',
          resumable: false,
          error: { code: 'gone:upload', message: 'The unfinished upload expired and was removed' },
        })
      }
    },
  })
}

/** The request currently writing an upload. */
export interface Attempt {
  controller: AbortController
  /** Settles when the attempt has stopped writing and closed its file. */
  done: Promise<UploadProgress>
}

/** One upload, finished or not, as this process knows it. */
export interface UploadSession {
  readonly id: string
  readonly name: string
  readonly progress: ProgressCell
  /** SHA-256 of the part's first `hashedBytes` bytes, kept between requests so a resume need not re-read them. */
  hash: Hash | undefined
  hashedBytes: number
  attempt: Attempt | undefined
}

/** What the `.parts/<id>.json` file records. */
interface PartInfo {
  id: string
  name: string
  size: number | null
  createdAt: number
}

/** How long a finished or cancelled upload stays readable on the progress channels. */
const FINISHED_TTL_MS = 60_000

/** Every upload this process is tracking, by id; shared by all routes (see `lib/singleton.ts`). */
export function sessions(): Map<string, UploadSession> {
  return singleton('uploads.sessions', () => new Map<string, UploadSession>())
}

function track(info: PartInfo, offset: number, state: UploadProgress['state']): UploadSession {
  const now = Date.now()
  const session: UploadSession = {
    id: info.id,
    name: info.name,
    progress: new ProgressCell({
      id: info.id,
      name: info.name,
      size: info.size,
      offset,
      state,
      attemptOffset: offset,
      attempts: 0,
      createdAt: info.createdAt,
      updatedAt: now,
    }),
    hash: offset === 0 ? createHash('sha256') : undefined,
    hashedBytes: 0,
    attempt: undefined,
  }
  sessions().set(info.id, session)
  return session
}

/** Refuses a declared size over `SLUICE_UPLOAD_MAX_BYTES` with 413 `too_large:upload`. */
export function assertSizeAllowed(size: number): void {
  const max = config().SLUICE_UPLOAD_MAX_BYTES
  if (size > max) throw new AppError('too_large:upload', `The upload is ${size} bytes; the limit is ${max} bytes`, { details: { max } })
}

/**
 * Starts a new upload of `name`: an empty part on disk and a progress channel. `size` (if known)
 * is checked against the limit now, so an oversized upload is refused before any byte is sent.
 */
export async function createUpload(input: { name: string; size: number | null }): Promise<UploadSession> {
  const name = parseUploadName(input.name)
  if (input.size !== null) assertSizeAllowed(input.size)
  await ensureLayout()
  sweepUploads()
  const info: PartInfo = { id: newUploadId(), name, size: input.size, createdAt: Date.now() }
  await writeFile(partPath(info.id), new Uint8Array(0), { flag: 'wx' })
  try {
    await writeFile(partInfoPath(info.id), JSON.stringify(info))
  } catch (error) {
    await removePart(info.id) // e.g. a full disk: no half-made upload is left behind
    throw error
  }
  return track(info, 0, 'created')
}

/**
 * The upload `id` (404 `not_found:upload` if unknown). An unfinished upload that this process does
 * not know (it was restarted) is picked up again from its part on disk.
 */
export async function getUpload(rawId: string): Promise<UploadSession> {
  const id = parseUploadId(rawId)
  const known = sessions().get(id)
  if (known) return known
  let info: PartInfo
  let offset: number
  try {
    info = JSON.parse(await readFile(partInfoPath(id), 'utf8')) as PartInfo
    offset = (await stat(partPath(id))).size
  } catch {
    throw new AppError('not_found:upload', `No upload with id ${id}`)
  }
  sweepUploads()
  // Another request may have loaded it while we were reading.
  return sessions().get(id) ?? track(info, offset, offset === 0 ? 'created' : 'paused')
}

/** Records a final state, and forgets the session once late readers have had time to see it. */
export function settle(session: UploadSession, patch: Parameters<ProgressCell['update']>[0]): UploadProgress {
  const progress = session.progress.update(patch)
  if (isFinal(progress)) {
    session.hash = undefined
    setTimeout(() => {
      if (sessions().get(session.id) === session) sessions().delete(session.id)
    }, FINISHED_TTL_MS).unref()
  }
  return progress
}

/** Removes the bytes and description of an unfinished upload. */
export async function removePart(id: string): Promise<void> {
  await Promise.all([rm(partPath(id), { force: true }), rm(partInfoPath(id), { force: true })])
}

/** Stops the request writing `session` (if any) and waits until it has closed its file. */
export async function stopAttempt(session: UploadSession, reason: AppError): Promise<void> {
  const attempt = session.attempt
  if (!attempt) return
  attempt.controller.abort(reason)
  await attempt.done.catch(() => {})
}

/**
 * Cancels upload `id`: stops its request, removes its bytes, and reports `cancelled` on the
 * progress channels. Finished uploads cannot be cancelled (409; delete the file instead).
 */
export async function cancelUpload(id: string): Promise<UploadProgress> {
  const session = await getUpload(id)
  if (session.progress.value.state === 'complete') {
    throw new AppError('conflict:upload', 'The upload is already complete; delete the file instead')
  }
  if (isFinal(session.progress.value)) return session.progress.value
  await stopAttempt(session, new AppError('gone:upload', 'The upload was cancelled'))
  await removePart(session.id)
  return settle(session, { state: 'cancelled', resumable: false, error: undefined })
}

/**
 * Makes `session.hash` cover exactly the first `offset` bytes of the part, re-reading them from
 * disk when the hash in memory does not (after a restart, or a request that broke off mid-write).
 */
export async function hashUpTo(session: UploadSession, offset: number): Promise<Hash> {
  if (session.hash && session.hashedBytes === offset) return session.hash
  const hash = createHash('sha256')
  const handle = await open(partPath(session.id), 'r')
  try {
    const buffer = new Uint8Array(1024 * 1024)
    let position = 0
    while (position < offset) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.byteLength, offset - position), position)
      if (bytesRead === 0) throw new Error(`Part of upload ${session.id} is shorter than ${offset} bytes`)
      hash.update(buffer.subarray(0, bytesRead))
      position += bytesRead
    }
  } finally {
    await handle.close()
  }
  session.hash = hash
  session.hashedBytes = offset
  return hash
}
