import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { RedisOwnerStore } from '@/lib/access/owners-redis'
import { SqliteOwnerStore } from '@/lib/access/owners-sqlite'
import { withTestRedis } from '../../support/with-redis'
import { ownerStoreContract } from './owner-store.contract'

const redis = withTestRedis()
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-owners-'))
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

ownerStoreContract('SQLite', async () => ({
  store: new SqliteOwnerStore(path.join(dir, `${randomBytes(4).toString('hex')}.sqlite`)),
  close: async () => {},
}))

ownerStoreContract('Redis', async () => {
  const context = await redis.context()
  return { store: new RedisOwnerStore(async () => context), close: async () => context.destroy() }
})
