import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { RedisOwnerStore } from '@/lib/access/owners-redis'
import { SqliteOwnerStore } from '@/lib/access/owners-sqlite'
import { createConnection } from '@/lib/durable/redis/connection'
import { startRedis, type TestRedis } from '../../support/redis'
import { ownerStoreContract } from './owner-store.contract'

let redis: TestRedis
let dir: string

beforeAll(async () => {
  redis = await startRedis()
  dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-owners-'))
})
afterAll(async () => {
  await redis?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

ownerStoreContract('SQLite', async () => ({
  store: new SqliteOwnerStore(path.join(dir, `${randomBytes(4).toString('hex')}.sqlite`)),
  close: async () => {},
}))

ownerStoreContract('Redis', async () => {
  const client = createConnection(redis.url)
  await client.connect()
  return { store: new RedisOwnerStore(async () => client, `t-${randomBytes(3).toString('hex')}:`), close: async () => client.destroy() }
})
