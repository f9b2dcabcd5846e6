import type { OwnerStore, ResourceKind } from '@/lib/access/owners'
import type { RedisConnection } from '@/lib/durable/redis/connection'

/**
 * Owner records in Redis: `<prefix>owner:<kind>:<id>` holds the owner (claimed with `SET NX`,
 * the atomic part), and `<prefix>owned:{<owner>}:<kind>` is the owner's index, a sorted set by
 * claim time. The index is written after the claim and read as a hint: listing keeps only ids
 * whose owner key still names the owner.
 */
export class RedisOwnerStore implements OwnerStore {
  constructor(
    private readonly connect: () => Promise<RedisConnection>,
    private readonly prefix: string,
  ) {}

  private ownerKey = (kind: ResourceKind, id: string) => `${this.prefix}owner:${kind}:${id}`
  private indexKey = (kind: ResourceKind, owner: string) => `${this.prefix}owned:{${owner}}:${kind}`

  async claim(kind: ResourceKind, id: string, owner: string): Promise<string> {
    const client = await this.connect()
    const set = await client.set(this.ownerKey(kind, id), owner, { condition: 'NX' })
    const holder = set === 'OK' ? owner : ((await client.get(this.ownerKey(kind, id))) ?? owner)
    if (holder === owner) await client.zAdd(this.indexKey(kind, owner), { score: Date.now(), value: id }, { condition: 'NX' })
    return holder
  }

  async ownerOf(kind: ResourceKind, id: string): Promise<string | undefined> {
    const client = await this.connect()
    return (await client.get(this.ownerKey(kind, id))) ?? undefined
  }

  async release(kind: ResourceKind, id: string): Promise<void> {
    const client = await this.connect()
    const owner = await client.get(this.ownerKey(kind, id))
    await client.del(this.ownerKey(kind, id))
    if (owner) await client.zRem(this.indexKey(kind, owner), id)
  }

  async list(kind: ResourceKind, owner: string, { limit = 100, offset = 0 } = {}): Promise<{ total: number; ids: string[] }> {
    const client = await this.connect()
    const index = this.indexKey(kind, owner)
    const [total, ids] = await Promise.all([client.zCard(index), client.zRange(index, offset, offset + limit - 1, { REV: true })])
    if (ids.length === 0) return { total, ids }
    // One GET per id, not MGET: the owner keys hash to different slots on a cluster.
    const holders = await Promise.all(ids.map((id) => client.get(this.ownerKey(kind, id))))
    return { total, ids: ids.filter((_, i) => holders[i] === owner) }
  }
}
