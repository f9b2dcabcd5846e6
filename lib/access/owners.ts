/**
 * Who owns what. Every visitor-owned resource — a chat, a durable stream made from the pages, an
 * upload, an import job — has one owner record here, written when the resource is created, so
 * each feature's own store stays as it was and one interface answers "whose is this?" and
 * "what is mine?". An embedded (SQLite) and a Redis implementation run one contract suite
 * (`test/unit/access/owner-store.contract.ts`).
 */
export type ResourceKind = 'chat' | 'stream' | 'upload' | 'upload-session' | 'typed-stream'

export interface OwnerStore {
  /**
   * Records `owner` as the owner of `kind`/`id` unless it has one already. Returns the owner
   * after the call: `owner` when the claim holds (new, or already theirs), someone else's id
   * otherwise. Atomic: two visitors claiming one id at once never both win.
   */
  claim(kind: ResourceKind, id: string, owner: string): Promise<string>
  /** The owner of `kind`/`id`, or `undefined` when nobody owns it. */
  ownerOf(kind: ResourceKind, id: string): Promise<string | undefined>
  /** Forgets the owner of `kind`/`id` (the resource was deleted). */
  release(kind: ResourceKind, id: string): Promise<void>
  /** The ids of `kind` that `owner` owns, most recently claimed first. */
  list(kind: ResourceKind, owner: string, page?: { limit?: number; offset?: number }): Promise<{ total: number; ids: string[] }>
}
