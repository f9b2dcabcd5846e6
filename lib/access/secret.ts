import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { config } from '@/lib/config'
import { guarded, sharedRedis } from '@/lib/redis'
import { singleton } from '@/lib/singleton'

/**
 * The key visitor cookies are signed with: `SLUICE_SECRET` when set; otherwise generated once and
 * kept in the store, so that restarts and every instance agree — a file (`secret.key`, mode 0600)
 * in the data directory, or one Redis key written with `SET NX` (the first instance to start wins,
 * the others read its value).
 */
export function signingSecret(): Promise<Buffer> {
  const cell = singleton('access.secret', () => ({ value: undefined as Promise<Buffer> | undefined }))
  cell.value ??= load().catch((error: unknown) => {
    cell.value = undefined // not remembered: the next request tries again (e.g. Redis back)
    throw error
  })
  return cell.value
}

async function load(): Promise<Buffer> {
  const c = config()
  if (c.SLUICE_SECRET !== undefined) return Buffer.from(c.SLUICE_SECRET, 'utf8')
  const fresh = randomBytes(32).toString('base64url')
  if (c.store.kind === 'redis') {
    return guarded('Visitor identities', async () => {
      const { commands, prefix } = await sharedRedis()
      const key = `${prefix}secret`
      await commands.set(key, fresh, { condition: 'NX' })
      return Buffer.from((await commands.get(key)) ?? fresh, 'utf8')
    })
  }
  const file = path.join(c.dataDir, 'secret.key')
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  await mkdir(c.dataDir, { recursive: true })
  try {
    await writeFile(file, `${fresh}\n`, { flag: 'wx', mode: 0o600 })
    return Buffer.from(fresh, 'utf8')
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return Buffer.from((await readFile(file, 'utf8')).trim(), 'utf8')
    throw error
  }
}
