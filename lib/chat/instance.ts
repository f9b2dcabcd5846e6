import path from 'node:path'
import { RedisChatStore } from '@/lib/chat/redis-store'
import { SqliteChatStore } from '@/lib/chat/sqlite-store'
import type { ChatStore } from '@/lib/chat/store'
import { config } from '@/lib/config'
import { diskReserve } from '@/lib/disk-reserve'
import { backend } from '@/lib/redis'
import { singleton } from '@/lib/singleton'

/**
 * The process-wide chat store. With Redis (docs/scale-out.md) chats live there, on the shared
 * connection, so every instance sees them and nothing is written to the local disk; otherwise in
 * `chat.sqlite` under `SLUICE_DATA_DIR`. Synchronous: Redis is opened on the store's first operation.
 */
export function chatStore(): ChatStore {
  return singleton<ChatStore>('chat.store', () =>
    backend<ChatStore>({
      redis: (redis) => new RedisChatStore(redis),
      embedded: () => {
        const { dataDir, SLUICE_STREAMS_DURABILITY } = config()
        return new SqliteChatStore(path.join(dataDir, 'chat.sqlite'), {
          fsync: SLUICE_STREAMS_DURABILITY === 'fsync',
          space: diskReserve(),
        })
      },
    }),
  )
}
