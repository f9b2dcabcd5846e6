import { readdir, rm, stat } from 'node:fs/promises'
import { config } from '@/lib/config'
import { singleton } from '@/lib/singleton'
import { sweepMetaTemps } from '@/lib/uploads/files'
import { partInfoPath, partPath, partsDir } from '@/lib/uploads/layout'

/** What the sweeper needs to know about uploads in memory. */
export interface SweepHooks {
  /** True while a request is writing upload `id`: its part is never removed. */
  isActive(id: string): boolean
  /** Called after the part of upload `id` was removed as stale. */
  onExpired(id: string): void
}

/**
 * Removes unfinished uploads not written to for `SLUICE_UPLOAD_STALE_MS`: their part, their
 * description, and sidecar temp files a crash may have left. Returns the ids removed.
 */
export async function sweepStaleParts(hooks: SweepHooks, now = Date.now()): Promise<string[]> {
  const cutoff = now - config().SLUICE_UPLOAD_STALE_MS
  const entries = await readdir(partsDir()).catch(() => [] as string[])
  const ids = new Set(entries.map((e) => /^([\w-]{16,64})\.(?:part|json)$/.exec(e)?.[1]).filter((id) => id !== undefined))
  const removed: string[] = []
  for (const id of ids) {
    if (hooks.isActive(id)) continue
    const files = [partPath(id), partInfoPath(id)]
    const times = await Promise.all(
      files.map((f) =>
        stat(f).then(
          (s) => s.mtimeMs,
          () => 0,
        ),
      ),
    )
    if (Math.max(...times) >= cutoff) continue
    await Promise.all(files.map((f) => rm(f, { force: true })))
    removed.push(id)
    hooks.onExpired(id)
  }
  await sweepMetaTemps(cutoff)
  return removed
}

/**
 * Starts sweeping every quarter of `SLUICE_UPLOAD_STALE_MS` (between 1 s and 1 min), once per
 * process. The timer does not keep the process alive.
 */
export function startSweeper(hooks: SweepHooks): void {
  singleton('uploads.sweeper', () => {
    const every = Math.min(60_000, Math.max(1_000, Math.floor(config().SLUICE_UPLOAD_STALE_MS / 4)))
    const timer = setInterval(() => {
      sweepStaleParts(hooks).catch((error) => console.error('[sluice] sweeping stale uploads failed', error))
    }, every)
    timer.unref()
    return timer
  })
}
