/**
 * The browser side of uploads: announce, follow the server's progress channel, send, and resume.
 * Runs in the browser only (fetch, EventSource, localStorage); no React here, see
 * `components/use-uploads.ts` for the hook.
 */
import { sleep } from '@/lib/async'
import type { UploadProgress } from '@/lib/uploads/progress'

/** An upload this browser started and has not seen finish, kept across page loads. */
export interface SavedUpload {
  id: string
  name: string
  size: number
  lastModified: number
  savedAt: number
}

const STORAGE_KEY = 'sluice.uploads.v1'

/** The unfinished uploads saved in this browser, newest first. */
export function savedUploads(): SavedUpload[] {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as unknown
    return Array.isArray(value) ? (value as SavedUpload[]) : []
  } catch {
    return []
  }
}

function store(list: SavedUpload[]): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(list))
}

/** Forgets a saved upload (finished, cancelled, or gone from the server). */
export function forgetUpload(id: string): void {
  store(savedUploads().filter((u) => u.id !== id))
}

function remember(file: File, id: string): void {
  const entry: SavedUpload = { id, name: file.name, size: file.size, lastModified: file.lastModified, savedAt: Date.now() }
  store([entry, ...savedUploads().filter((u) => u.id !== id)])
}

/** True when `file` is the same file a saved upload was started with (name, size and modification time). */
export function isSameFile(saved: SavedUpload, file: File): boolean {
  return saved.name === file.name && saved.size === file.size && saved.lastModified === file.lastModified
}

/** A refusal from the server: retrying the same request would not help. */
export class UploadRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'UploadRefused'
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: { offset?: unknown } }
}

async function refusal(res: Response): Promise<UploadRefused> {
  const body = (await res.json().catch(() => ({}))) as ErrorBody
  return new UploadRefused(body.error?.code ?? `http:${res.status}`, body.error?.message ?? `HTTP ${res.status}`)
}

/** The server's view of upload `id`, or `undefined` if it no longer has it (finished long ago, expired, cancelled). */
export async function fetchProgress(id: string, signal?: AbortSignal): Promise<UploadProgress | undefined> {
  const res = await fetch(`/api/uploads/sessions/${encodeURIComponent(id)}`, { signal, cache: 'no-store' })
  if (res.status === 404 || res.status === 410) return undefined
  if (!res.ok) throw await refusal(res)
  return (await res.json()) as UploadProgress
}

/** True when the server will take more bytes for this upload. */
function canContinue(progress: UploadProgress): boolean {
  return (
    progress.state === 'created' ||
    progress.state === 'paused' ||
    progress.state === 'receiving' ||
    (progress.state === 'failed' && progress.resumable === true)
  )
}

/** Continues the saved upload of `file` if the server still has it, otherwise announces a new one. */
async function resumeOrCreate(file: File, signal: AbortSignal): Promise<UploadProgress> {
  for (const saved of savedUploads().filter((u) => isSameFile(u, file))) {
    const progress = await fetchProgress(saved.id, signal)
    if (progress && canContinue(progress)) return progress
    forgetUpload(saved.id)
  }
  const res = await fetch('/api/uploads', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: file.name, size: file.size }),
    signal,
  })
  if (!res.ok) throw await refusal(res)
  const progress = (await res.json()) as UploadProgress
  remember(file, progress.id)
  return progress
}

/** Requests in a row that may break off without progress before an upload gives up. */
const MAX_FAILURES = 8

export interface UploadOptions {
  signal: AbortSignal
  /** Every snapshot from the server's progress channel (bytes on disk, not bytes sent). */
  onProgress: (progress: UploadProgress) => void
  /** Called when a request broke off and the upload will go on from the server's offset. */
  onRetry?: (attempt: number, error: unknown) => void
  /** Slow motion: the server reads the body at most this many bytes per second (`?rate=`). */
  rate?: number
}

/** Opens the server's progress channel for upload `id`; returns the function that closes it. */
function followProgress(id: string, onProgress: (progress: UploadProgress) => void): () => void {
  const channel = new EventSource(`/api/uploads/sessions/${encodeURIComponent(id)}/events`)
  channel.addEventListener('progress', (event) => onProgress(JSON.parse((event as MessageEvent<string>).data) as UploadProgress))
  // After the final state the server closes the stream; without this, EventSource would reconnect.
  channel.addEventListener('done', () => channel.close())
  return () => channel.close()
}

/**
 * Uploads `file`, resuming a saved upload of the same file when the server still has it. Progress
 * comes from the server's channel. When a request breaks off (network drop, server restart) it
 * waits, asks the server for its offset, and sends the rest; a refusal (4xx) ends it. Resolves with
 * the complete upload; rejects with {@link UploadRefused} or the abort reason.
 */
export async function uploadFile(file: File, options: UploadOptions): Promise<UploadProgress> {
  const { signal, onProgress } = options
  const created = await resumeOrCreate(file, signal)
  onProgress(created)
  const stopFollowing = followProgress(created.id, onProgress)
  const url = `/api/uploads/${encodeURIComponent(file.name)}${options.rate ? `?rate=${options.rate}` : ''}`
  const headers = (offset: number) => ({ 'Upload-Id': created.id, 'Upload-Offset': String(offset), Accept: 'application/json' })
  let offset = created.offset
  let failures = 0
  let offsetAtFailure = -1
  try {
    for (;;) {
      let res: Response
      try {
        res = await fetch(url, {
          method: 'PUT',
          body: file.slice(offset),
          headers: headers(offset),
          signal,
        })
      } catch (error) {
        if (signal.aborted) throw error
        // A request that got further than the last failed one starts the count again.
        failures = offset > offsetAtFailure ? 1 : failures + 1
        offsetAtFailure = offset
        if (failures > MAX_FAILURES)
          throw new UploadRefused('unavailable:network', 'The connection kept failing; pick the file again to resume')
        options.onRetry?.(failures, error)
        await sleep(Math.min(500 * 2 ** failures, 10_000), signal)
        const progress = await fetchProgress(created.id, signal).catch(() => undefined)
        if (progress) offset = progress.offset
        continue
      }
      if (res.ok) {
        const progress = (await res.json()) as UploadProgress
        if (progress.state === 'complete') {
          forgetUpload(created.id)
          onProgress(progress)
          return progress
        }
        offset = progress.offset // paused: send the rest
        continue
      }
      const body = (await res.json().catch(() => ({}))) as ErrorBody
      if (res.status === 409 && body.error?.code === 'conflict:upload_offset' && typeof body.error.details?.offset === 'number') {
        offset = body.error.details.offset // the server is elsewhere (it wrote more, or less, than we thought)
        continue
      }
      if (res.status === 404 || res.status === 410) forgetUpload(created.id)
      throw new UploadRefused(body.error?.code ?? `http:${res.status}`, body.error?.message ?? `HTTP ${res.status}`)
    }
  } finally {
    stopFollowing()
  }
}

/**
 * Cancels upload `id` on the server (its bytes are removed) and forgets it here. Best effort: if
 * the server cannot be reached, its part expires after `SLUICE_UPLOAD_STALE_MS` anyway.
 */
export async function cancelUpload(id: string): Promise<void> {
  forgetUpload(id)
  await fetch(`/api/uploads/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' }).catch(() => undefined)
}

// The uploads feature's browser-safe door: the functions above, and the shapes the UI shows.
export type { StoredUpload } from './files'
export type { UploadProgress, UploadState } from './progress'
