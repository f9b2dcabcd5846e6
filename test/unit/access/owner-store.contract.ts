import { describe, expect, it } from 'vitest'
import type { OwnerStore } from '@/lib/access/owners'

/** What every owner store does (`lib/access/owners.ts`): run by each implementation's test file. */
export function ownerStoreContract(name: string, open: () => Promise<{ store: OwnerStore; close: () => Promise<void> }>) {
  describe(`${name} owner store`, () => {
    const withStore = (test: (store: OwnerStore) => Promise<void>) => async () => {
      const { store, close } = await open()
      try {
        await test(store)
      } finally {
        await close()
      }
    }

    it(
      'the first claim wins; a second visitor is told who holds it; the holder may claim again',
      withStore(async (store) => {
        expect(await store.ownerOf('chat', 'c1')).toBeUndefined()
        expect(await store.claim('chat', 'c1', 'alice')).toBe('alice')
        expect(await store.claim('chat', 'c1', 'bob')).toBe('alice')
        expect(await store.claim('chat', 'c1', 'alice')).toBe('alice')
        expect(await store.ownerOf('chat', 'c1')).toBe('alice')
        // Kinds are separate namespaces.
        expect(await store.claim('upload', 'c1', 'bob')).toBe('bob')
      }),
    )

    it(
      'concurrent claims of one id have exactly one winner',
      withStore(async (store) => {
        const visitors = Array.from({ length: 20 }, (_, i) => `v${i}`)
        const results = await Promise.all(visitors.map((v) => store.claim('stream', 'race/1', v)))
        const winner = await store.ownerOf('stream', 'race/1')
        expect(visitors).toContain(winner)
        expect(new Set(results)).toEqual(new Set([winner]))
      }),
    )

    it(
      'lists what a visitor owns, newest first, paged, and forgets released ids',
      withStore(async (store) => {
        for (let i = 1; i <= 5; i++) {
          await store.claim('upload', `f${i}`, 'carol')
          await new Promise((r) => setTimeout(r, 2))
        }
        await store.claim('upload', 'other', 'dave')
        expect(await store.list('upload', 'carol')).toEqual({ total: 5, ids: ['f5', 'f4', 'f3', 'f2', 'f1'] })
        expect((await store.list('upload', 'carol', { limit: 2, offset: 1 })).ids).toEqual(['f4', 'f3'])
        expect(await store.list('chat', 'carol')).toEqual({ total: 0, ids: [] })
        await store.release('upload', 'f5')
        expect(await store.ownerOf('upload', 'f5')).toBeUndefined()
        expect((await store.list('upload', 'carol')).ids).toEqual(['f4', 'f3', 'f2', 'f1'])
        // Released, it can be someone else's.
        expect(await store.claim('upload', 'f5', 'dave')).toBe('dave')
        await store.release('upload', 'never-claimed') // no error
      }),
    )
  })
}
