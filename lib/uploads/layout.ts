import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { config } from '@/lib/config'
import { AppError } from '@/lib/errors'
import { parseUploadId, parseUploadName, pathInside } from '@/lib/uploads/names'

/**
 * Where uploads live on disk (`SLUICE_UPLOAD_DIR`, default `<data>/uploads`):
 *
 * ```
 * uploads/
 *   report.pdf              finished uploads, under their own names (visible, downloadable)
 *   .meta/report.pdf.json   size, SHA-256 and time of each finished upload
 *   .parts/<id>.part        bytes of unfinished uploads (never listed or served)
 *   .parts/<id>.json        name and declared size of each unfinished upload
 * ```
 *
 * Parts sit on the same file system as the finished files, so completing is one atomic rename.
 * Upload names cannot start with a dot, so they never collide with `.meta` or `.parts`.
 */
export function uploadDir(): string {
  return config().uploadDir
}

export function partsDir(): string {
  return path.join(uploadDir(), '.parts')
}

export function metaDir(): string {
  return path.join(uploadDir(), '.meta')
}

/** The bytes received so far for upload `id`. */
export function partPath(id: string): string {
  return path.join(partsDir(), `${parseUploadId(id)}.part`)
}

/** The description (name, declared size) of unfinished upload `id`. */
export function partInfoPath(id: string): string {
  return path.join(partsDir(), `${parseUploadId(id)}.json`)
}

/** The finished upload called `name`. */
export function filePath(name: string): string {
  return pathInside(uploadDir(), name)
}

/** The sidecar with the size, SHA-256 and time of the finished upload called `name`. */
export function metaPath(name: string): string {
  return path.join(metaDir(), `${parseUploadName(name)}.json`)
}

/** Creates the directories above if missing (cheap, and survives the directory being removed meanwhile). */
export async function ensureLayout(): Promise<void> {
  try {
    await Promise.all([mkdir(partsDir(), { recursive: true }), mkdir(metaDir(), { recursive: true })])
  } catch (error) {
    // A read-only disk (e.g. a serverless function) is a deployment choice, not a bug: say what to set.
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
      throw new AppError('unavailable:upload_dir', `Uploads need a writable directory: ${uploadDir()} is not (set SLUICE_UPLOAD_DIR)`, {
        cause: error,
      })
    }
    throw error
  }
}
