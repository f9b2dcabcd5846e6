import path from 'node:path'
import { RedisOwnerStore } from '@/lib/access/owners-redis'
import { SqliteOwnerStore } from '@/lib/access/owners-sqlite'
import type { OwnerStore } from '@/lib/access/owners'
import { config } from '@/lib/config'
import { backend } from '@/lib/redis'
import { singleton } from '@/lib/singleton'

/** The process-wide owner store: Redis when configured (shared by every instance), else `access.sqlite`. */
export function ownerStore(): OwnerStore {
  return singleton<OwnerStore>('access.owners', () =>
    backend<OwnerStore>({
      redis: (redis) => new RedisOwnerStore(redis),
      embedded: () => new SqliteOwnerStore(path.join(config().dataDir, 'access.sqlite')),
    }),
  )
}
