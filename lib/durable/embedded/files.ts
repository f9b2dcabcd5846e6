import { createReadStream, createWriteStream } from 'node:fs'
import fs from 'node:fs'
import { open, readdir, rename, stat, unlink } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip, createGzip } from 'node:zlib'

/**
 * The embedded store's stream bytes: one append-only file per stream incarnation
 * (`<incarnation>.log`), replaced by `<incarnation>.log.gz` once a `compress` stream is closed and
 * compressed. Bytes are written at the committed tail with positional writes, so leftovers of an
 * append that crashed before its commit are simply overwritten (and trimmed on first reopen);
 * readers never look past the committed tail, so they never see them.
 */

const READ_CHUNK = 1024 * 1024
const MAX_OPEN_FILES = 64

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
}

/** `fdatasync` on libuv's thread pool. (`fs.fdatasync` is looked up at each call, so tests can stand in for it.) */
function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())))
}

/**
 * How a store flushes files to the disk (`fdatasync`): inline, on the event loop, while flushes are
 * fast (a flush of a fraction of a millisecond costs less than the trips through libuv's thread
 * pool), and on the thread pool once they are slow (a network volume), so that a slow disk does
 * not stall every other request. The choice follows a moving average of how long the last flushes
 * took: `slowMs` and over goes to the thread pool (`0`: always). Measured both ways in
 * docs/durable-streams.md, "Issue 17: flushes off the event loop".
 */
export class Flusher {
  private averageMs = 0

  constructor(private readonly slowMs = 1) {}

  /** Whether the next flush runs on the thread pool. */
  get offLoop(): boolean {
    return this.averageMs >= this.slowMs
  }

  async flush(fd: number): Promise<void> {
    const start = performance.now()
    if (this.offLoop) await fdatasync(fd)
    else fs.fdatasyncSync(fd)
    this.averageMs = this.averageMs * 0.8 + (performance.now() - start) * 0.2
  }
}

/** Waits for every promise; then throws the first failure, if any (none is left running behind it). */
async function allOrFirstError(work: Array<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((r) => r.status === 'rejected')
  if (failed) throw failed.reason
}

export class DataFiles {
  /** Open write descriptors, least recently used first. */
  private readonly fds = new Map<string, number>()
  /** With `fsync`: descriptors written since their last flush ({@link syncDirty}). */
  private readonly dirty = new Set<number>()
  /** Descriptors a flush is running on; closing one waits for it (its number must not be reused). */
  private readonly syncing = new Set<number>()
  /** Descriptors no longer used for writing, to close once no flush needs them ({@link close}). */
  private readonly closeAfterSync = new Set<number>()

  /** `flusher`: with `fsync` durability, how the files are flushed (`undefined`: never). */
  constructor(
    private readonly dir: string,
    private readonly flusher: Flusher | undefined,
  ) {
    fs.mkdirSync(dir, { recursive: true })
  }

  rawPath(incarnation: string): string {
    return path.join(this.dir, `${incarnation}.log`)
  }

  gzPath(incarnation: string): string {
    return path.join(this.dir, `${incarnation}.log.gz`)
  }

  /** Creates (or empties) the file of a new incarnation. */
  createSync(incarnation: string): void {
    this.remember(incarnation, fs.openSync(this.rawPath(incarnation), 'w'))
  }

  /**
   * Writes `data` at `position` (the committed tail). The first write of a process to a file
   * trims it to `committedTail`, dropping bytes of an append that never committed. With `fsync`
   * the bytes reach the disk at the next {@link syncDirty} (group commit), which the store runs
   * before it commits durably and acknowledges.
   */
  writeSync(incarnation: string, position: number, data: Uint8Array, committedTail: number): void {
    const fd = this.fdFor(incarnation, committedTail)
    let done = 0
    while (done < data.byteLength) done += fs.writeSync(fd, data, done, data.byteLength - done, position + done)
    if (this.flusher) this.dirty.add(fd)
  }

  /**
   * Flushes every file written before this call to the disk (the {@link Flusher}'s way); resolves
   * with how many, or rejects with the first failure once every flush is over. Files written while
   * it runs are flushed by the next call.
   */
  async syncDirty(): Promise<number> {
    const fds = [...this.dirty]
    this.dirty.clear()
    for (const fd of fds) this.syncing.add(fd)
    try {
      await allOrFirstError(fds.map((fd) => this.flusher!.flush(fd)))
    } finally {
      for (const fd of fds) {
        this.syncing.delete(fd)
        // Written again while this flush ran: the next flush still needs it open.
        if (!this.dirty.has(fd) && this.closeAfterSync.delete(fd)) fs.closeSync(fd)
      }
    }
    return fds.length
  }

  /**
   * Closes a write descriptor once no flush needs it: after the flush running on it, and, if it
   * was written since the last flush, after the next one, which its appends are waiting for. So
   * an evicted file is flushed with the group, the {@link Flusher}'s way, not on the event loop.
   */
  private close(fd: number): void {
    if (this.syncing.has(fd) || this.dirty.has(fd)) this.closeAfterSync.add(fd)
    else fs.closeSync(fd)
  }

  private fdFor(incarnation: string, committedTail: number): number {
    const cached = this.fds.get(incarnation)
    if (cached !== undefined) {
      this.fds.delete(incarnation)
      this.fds.set(incarnation, cached)
      return cached
    }
    const fd = fs.openSync(this.rawPath(incarnation), 'r+')
    fs.ftruncateSync(fd, committedTail)
    this.remember(incarnation, fd)
    return fd
  }

  private remember(incarnation: string, fd: number): void {
    this.fds.set(incarnation, fd)
    while (this.fds.size > MAX_OPEN_FILES) {
      const [oldest, oldFd] = this.fds.entries().next().value as [string, number]
      this.fds.delete(oldest)
      this.close(oldFd)
    }
  }

  private forget(incarnation: string): void {
    const fd = this.fds.get(incarnation)
    if (fd === undefined) return
    this.fds.delete(incarnation)
    this.close(fd)
  }

  /** Removes every file of an incarnation. Readers that already opened one keep reading it. */
  async remove(incarnation: string): Promise<void> {
    this.forget(incarnation)
    for (const file of [this.rawPath(incarnation), this.gzPath(incarnation), `${this.gzPath(incarnation)}.tmp`]) {
      await unlink(file).catch((error: unknown) => {
        if (!isMissing(error)) throw error
      })
    }
  }

  /** Bytes `[from, to)`, from the plain file or, once compressed, by decompressing. */
  async *read(incarnation: string, compressed: boolean, from: number, to: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    if (from >= to) return
    if (!compressed) {
      const handle = await open(this.rawPath(incarnation), 'r').catch((error: unknown) => {
        if (isMissing(error)) return undefined // compressed meanwhile: read the .gz below
        throw error
      })
      if (handle) {
        try {
          for (let position = from; position < to;) {
            signal?.throwIfAborted()
            const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, to - position))
            const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, position)
            if (bytesRead === 0) throw new Error(`Stream file ${incarnation} is shorter than its committed tail`)
            position += bytesRead
            yield buffer.subarray(0, bytesRead)
          }
        } finally {
          await handle.close()
        }
        return
      }
    }
    yield* this.readDecompressed(incarnation, from, to, signal)
  }

  private async *readDecompressed(incarnation: string, from: number, to: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    const source = createReadStream(this.gzPath(incarnation), { signal }).pipe(createGunzip())
    let position = 0
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        const start = Math.max(from - position, 0)
        const end = Math.min(to - position, chunk.byteLength)
        position += chunk.byteLength
        if (end > start) yield chunk.subarray(start, end)
        if (position >= to) return
      }
    } finally {
      source.destroy()
    }
  }

  /** The stored gzip bytes of a compressed incarnation. */
  async *readGzip(incarnation: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    yield* createReadStream(this.gzPath(incarnation), { signal, highWaterMark: READ_CHUNK }) as AsyncIterable<Buffer>
  }

  /** Copies bytes `[0, length)` of one incarnation into a new one (fork creation). */
  async copyPrefix(from: { incarnation: string; compressed: boolean }, to: string, length: number): Promise<void> {
    const handle = await open(this.rawPath(to), 'w')
    try {
      let position = 0
      for await (const chunk of this.read(from.incarnation, from.compressed, 0, length)) {
        let done = 0
        while (done < chunk.byteLength) done += (await handle.write(chunk, done, chunk.byteLength - done, position + done)).bytesWritten
        position += chunk.byteLength
      }
      if (this.flusher) await handle.datasync()
    } finally {
      await handle.close()
    }
  }

  /**
   * Writes `<incarnation>.log.gz` holding bytes `[0, length)`, durably (written to a temporary
   * file, flushed, renamed). Returns its size. The plain file is left for {@link dropRaw}.
   */
  async compress(incarnation: string, length: number): Promise<number> {
    const target = this.gzPath(incarnation)
    const temporary = `${target}.tmp`
    const input = length > 0 ? createReadStream(this.rawPath(incarnation), { start: 0, end: length - 1 }) : Readable.from([])
    try {
      await pipeline(input, createGzip(), createWriteStream(temporary))
      const handle = await open(temporary, 'r')
      await handle.datasync().finally(() => handle.close())
    } catch (error) {
      // E.g. a full disk: the plain file stays the stream's bytes; compression is retried at the next start.
      await unlink(temporary).catch(() => {})
      throw error
    }
    await rename(temporary, target)
    return (await stat(target)).size
  }

  /** Removes the plain file of an incarnation that is now stored compressed. */
  async dropRaw(incarnation: string): Promise<void> {
    this.forget(incarnation)
    await unlink(this.rawPath(incarnation)).catch((error: unknown) => {
      if (!isMissing(error)) throw error
    })
  }

  /** Incarnations that have files on disk (for start-up clean-up of orphans). */
  async incarnationsOnDisk(): Promise<Set<string>> {
    const names = await readdir(this.dir)
    return new Set(names.map((name) => name.replace(/\.log(\.gz)?(\.tmp)?$/, '')))
  }

  /** Closes every write descriptor; call once no flush runs or is due (after the store's last sync). */
  closeAll(): void {
    for (const incarnation of [...this.fds.keys()]) this.forget(incarnation)
  }
}
