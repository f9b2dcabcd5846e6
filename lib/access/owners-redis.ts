import type { OwnerStore, ResourceKind } from '@/lib/access/owners'
import { guarded, type RedisCommands, type RedisSource } from '@/lib/redis'

/**
 * Owner records in Redis: `<prefix>owner:<kind>:<id>` holds the owner (claimed with `SET NX`,
 * the atomic part), and `<prefix>owned:{<owner>}:<kind>` is the owner's index, a sorted set by
 * claim time. The index is written after the claim and read as a hint: listing keeps only ids
 * whose owner key still names the owner. A Redis outage is `503 unavailable:store`.
 */
export class RedisOwnerStore implements OwnerStore {
  constructor(private readonly redis: RedisSource) {}

  private run<T>(work: (client: RedisCommands, keys: OwnerKeys) => Promise<T>): Promise<T> {
    return guarded('Ownership records', async () => {
      const redis = await this.redis()
      return work(redis.commands, ownerKeys(redis.prefix))
    })
  }

  claim(kind: ResourceKind, id: string, owner: string): Promise<string> {
    return this.run(async (client, keys) => {
      const set = await client.set(keys.owner(kind, id), owner, { condition: 'NX' })
      const holder = set === 'OK' ? owner : ((await client.get(keys.owner(kind, id))) ?? owner)
      if (holder === owner) await client.zAdd(keys.index(kind, owner), { score: Date.now(), value: id }, { condition: 'NX' })
      return holder
    })
  }

  ownerOf(kind: ResourceKind, id: string): Promise<string | undefined> {
    return this.run(async (client, keys) => (await client.get(keys.owner(kind, id))) ?? undefined)
  }

  release(kind: ResourceKind, id: string): Promise<void> {
    return this.run(async (client, keys) => {
      const owner = await client.get(keys.owner(kind, id))
      await client.del(keys.owner(kind, id))
      if (owner) await client.zRem(keys.index(kind, owner), id)
    })
  }

  list(kind: ResourceKind, owner: string, { limit = 100, offset = 0 } = {}): Promise<{ total: number; ids: string[] }> {
    return this.run(async (client, keys) => {
      const index = keys.index(kind, owner)
      const [total, ids] = await Promise.all([client.zCard(index), client.zRange(index, offset, offset + limit - 1, { REV: true })])
      if (ids.length === 0) return { total, ids }
      // One GET per id, not MGET: the owner keys hash to different slots on a cluster.
      const holders = await Promise.all(ids.map((id) => client.get(keys.owner(kind, id))))
      return { total, ids: ids.filter((_, i) => holders[i] === owner) }
    })
  }
}

type OwnerKeys = ReturnType<typeof ownerKeys>

function ownerKeys(prefix: string) {
  return {
    owner: (kind: ResourceKind, id: string) => `${prefix}owner:${kind}:${id}`,
    index: (kind: ResourceKind, owner: string) => `${prefix}owned:{${owner}}:${kind}`,
  }
}
