import { open, unlink } from 'node:fs/promises'
import path from 'node:path'
import { config } from '@/lib/config'
import { isDiskFull } from '@/lib/errors'
import { singleton } from '@/lib/singleton'

/** What a store needs from the reserve: a way to retry a delete that the full disk refused. */
export interface SpaceForDeletes {
  /** Runs `fn`; if it fails because the disk is full, gives up the reserve and runs it once more. */
  retryWhenFull<T>(fn: () => T | Promise<T>): Promise<T>
}

const CHUNK = 64 * 1024

/**
 * Space set aside so that deleting works on a full disk. SQLite needs a little free space to
 * record even a delete (its write-ahead log grows), so without it a full disk could not be
 * cleaned up through the API. A file of `bytes` bytes holds that space: a delete that fails
 * because the disk is full gives the file up and runs once more; the reserve is taken again once
 * deleting has freed space (if there is not enough yet, the next delete tries again).
 */
export class DiskReserve implements SpaceForDeletes {
  private held = false
  private restoring: Promise<void> | undefined

  constructor(
    readonly file: string,
    readonly bytes: number,
  ) {}

  /**
   * Takes the reserve: fills the file up to `bytes` with zeros (real blocks, not a sparse file).
   * Best effort: on a disk with less room it keeps what fits (topped up on a later try); on a
   * read-only disk it stays released. Returns whether all of it is held.
   */
  async hold(): Promise<boolean> {
    if (this.held || this.bytes === 0) return this.held
    let handle
    try {
      handle = await open(this.file, 'r+').catch(() => open(this.file, 'w'))
      const zeros = new Uint8Array(Math.min(CHUNK, this.bytes))
      for (let at = (await handle.stat()).size; at < this.bytes;) {
        const { bytesWritten } = await handle.write(zeros, 0, Math.min(zeros.byteLength, this.bytes - at), at)
        at += bytesWritten
      }
      await handle.sync()
      this.held = true
    } catch (error) {
      if (!isDiskFull(error)) console.warn(`[sluice] could not set disk space aside for deletes at ${this.file}:`, (error as Error).message)
    } finally {
      await handle?.close().catch(() => {})
    }
    return this.held
  }

  /** Gives the space back to the file system. Returns whether there was any to give. */
  async release(): Promise<boolean> {
    const existed = await unlink(this.file).then(
      () => true,
      () => false,
    )
    this.held = false
    return existed
  }

  async retryWhenFull<T>(fn: () => T | Promise<T>): Promise<T> {
    let result: T
    try {
      result = await fn()
    } catch (error) {
      if (!isDiskFull(error) || !(await this.release())) throw error
      console.warn('[sluice] the disk is full: using the space set aside for deletes')
      result = await fn()
    }
    this.restoreSoon()
    return result
  }

  /** Takes the reserve again shortly (files a delete frees are removed just after it commits). */
  private restoreSoon(): void {
    if (this.held || this.restoring || this.bytes === 0) return
    this.restoring = new Promise<void>((resolve) => setTimeout(resolve, 200).unref())
      .then(() => this.hold())
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => (this.restoring = undefined))
  }
}

/** The process-wide reserve: `.disk-reserve` under `SLUICE_DATA_DIR`, `SLUICE_DISK_RESERVE_BYTES` large. */
export function diskReserve(): DiskReserve {
  return singleton('disk-reserve', () => {
    const c = config()
    return new DiskReserve(path.join(c.dataDir, '.disk-reserve'), c.SLUICE_DISK_RESERVE_BYTES)
  })
}
