import path from 'node:path'
import { RedisOwnerStore } from '@/lib/access/owners-redis'
import { SqliteOwnerStore } from '@/lib/access/owners-sqlite'
import type { OwnerStore } from '@/lib/access/owners'
import { config } from '@/lib/config'
import { sharedRedis } from '@/lib/redis'
import { singleton } from '@/lib/singleton'

/** The process-wide owner store: Redis when configured (shared by every instance), else `access.sqlite`. */
export function ownerStore(): OwnerStore {
  return singleton<OwnerStore>('access.owners', () => {
    const store = config().store
    if (store.kind === 'redis') return new RedisOwnerStore(async () => (await sharedRedis()).client, store.prefix)
    return new SqliteOwnerStore(path.join(config().dataDir, 'access.sqlite'))
  })
}
