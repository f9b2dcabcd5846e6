import { open, readdir, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { AppError } from '@/lib/errors'
import { singleton } from '@/lib/singleton'
import { ensureLayout, filePath, metaDir, metaPath, uploadDir } from '@/lib/uploads/layout'
import { parseUploadName } from '@/lib/uploads/names'

/** A finished upload, as `GET /api/uploads` lists it. */
export interface StoredUpload {
  name: string
  size: number
  /** SHA-256 of the content (hex), or `null` if the sidecar is missing or describes another version. */
  sha256: string | null
  /** When the upload completed (ISO 8601). */
  uploadedAt: string
}

interface Sidecar {
  name: string
  size: number
  sha256: string
  mtimeMs: number
  uploadedAt: string
}

/**
 * Runs `task` while no other task holds `name`: completing, replacing and deleting one name never
 * interleave, so a sidecar always describes the file beside it.
 */
async function withNameLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = singleton('uploads.name-locks', () => new Map<string, Promise<unknown>>())
  const previous = locks.get(name) ?? Promise.resolve()
  const run = previous.then(task, task)
  const tail = run.catch(() => {})
  locks.set(name, tail)
  try {
    return await run
  } finally {
    if (locks.get(name) === tail) locks.delete(name)
  }
}

async function readSidecar(name: string): Promise<Sidecar | undefined> {
  try {
    return JSON.parse(await readFile(metaPath(name), 'utf8')) as Sidecar
  } catch {
    return undefined
  }
}

function describe(name: string, size: number, mtimeMs: number, sidecar: Sidecar | undefined): StoredUpload {
  // The sidecar counts only if it was written for this very file (same size and modification time).
  const matches = sidecar !== undefined && sidecar.size === size && sidecar.mtimeMs === mtimeMs
  return {
    name,
    size,
    sha256: matches ? sidecar.sha256 : null,
    uploadedAt: matches ? sidecar.uploadedAt : new Date(mtimeMs).toISOString(),
  }
}

/** Opens `dir` and flushes its entries (a rename is durable only once its directory is synced). */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Makes a finished part visible as `name`: the sidecar is written first, then the part is renamed
 * over any earlier file of that name in one atomic step. The part must already be synced to disk.
 */
export async function commitUpload(input: { name: string; part: string; size: number; sha256: string }): Promise<StoredUpload> {
  const name = parseUploadName(input.name)
  await ensureLayout()
  return withNameLock(name, async () => {
    const { mtimeMs, size } = await stat(input.part)
    if (size !== input.size) throw new Error(`Part for ${name} has ${size} bytes, expected ${input.size}`)
    const sidecar: Sidecar = { name, size, sha256: input.sha256, mtimeMs, uploadedAt: new Date().toISOString() }
    const target = metaPath(name)
    try {
      await writeFile(`${target}.tmp`, JSON.stringify(sidecar))
    } catch (error) {
      await rm(`${target}.tmp`, { force: true }) // e.g. a full disk: the part stays, and the upload can be completed again
      throw error
    }
    await rename(`${target}.tmp`, target)
    await rename(input.part, filePath(name))
    await syncDir(uploadDir())
    return describe(name, size, mtimeMs, sidecar)
  })
}

/** Every finished upload, newest first; with `only`, just those names (no other file is read). */
export async function listUploads(only?: ReadonlySet<string>): Promise<StoredUpload[]> {
  await ensureLayout()
  const entries = await readdir(uploadDir(), { withFileTypes: true })
  const found = await Promise.all(
    entries
      .filter((e) => e.isFile() && !e.name.startsWith('.') && (only === undefined || only.has(e.name)))
      .map(async (e) => {
        try {
          const info = await stat(path.join(uploadDir(), e.name))
          return describe(e.name, info.size, info.mtimeMs, await readSidecar(e.name))
        } catch {
          return undefined // deleted while listing
        }
      }),
  )
  return found.filter((u) => u !== undefined).sort((a, b) => b.uploadedAt.localeCompare(a.uploadedAt) || a.name.localeCompare(b.name))
}

/** An open finished upload; close `handle` when done. */
export interface OpenedUpload {
  handle: FileHandle
  info: StoredUpload
  mtimeMs: number
}

function notFound(name: string): AppError {
  return new AppError('not_found:upload', `No upload called ${JSON.stringify(name)}`)
}

/**
 * Opens the finished upload `name` for reading (404 `not_found:upload` if there is none). The
 * handle keeps reading the same content even if the name is replaced or deleted meanwhile.
 */
export async function openUpload(name: string): Promise<OpenedUpload> {
  const file = filePath(name)
  let handle: FileHandle
  try {
    handle = await open(file, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(name)
    throw error
  }
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw notFound(name)
    return { handle, info: describe(name, info.size, info.mtimeMs, await readSidecar(name)), mtimeMs: info.mtimeMs }
  } catch (error) {
    await handle.close()
    throw error
  }
}

/** Deletes the finished upload `name` and its sidecar (404 `not_found:upload` if there is none). */
export async function deleteUpload(name: string): Promise<void> {
  const file = filePath(name)
  await withNameLock(name, async () => {
    try {
      await rm(file)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(name)
      throw error
    }
    await rm(metaPath(name), { force: true })
  })
}

/** Removes sidecar temp files older than `olderThan` (ms since epoch) left by a crash mid-commit. */
export async function sweepMetaTemps(olderThan: number): Promise<void> {
  const entries = await readdir(metaDir()).catch(() => [] as string[])
  for (const entry of entries.filter((e) => e.endsWith('.tmp'))) {
    const file = path.join(metaDir(), entry)
    const info = await stat(file).catch(() => undefined)
    if (info && info.mtimeMs < olderThan) await rm(file, { force: true })
  }
}
