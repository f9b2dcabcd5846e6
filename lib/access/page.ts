import { cookies } from 'next/headers'
import { ownerStore } from '@/lib/access/instance'
import type { ResourceKind } from '@/lib/access/owners'
import { signingSecret } from '@/lib/access/secret'
import { VISITOR_COOKIE, verifyVisitor } from '@/lib/access/visitor'

/**
 * Ownership as a server-rendered page sees it (pages do not mint identities; the first API call
 * that needs one does): the visitor of the request's cookie, read once, with what it owns and
 * whether it owns a given thing — from the same owner store as the guard's.
 */
export async function pageOwnership() {
  const value = (await cookies()).get(VISITOR_COOKIE)?.value
  const visitor = value === undefined ? undefined : verifyVisitor(value, await signingSecret())
  return {
    visitor,
    /** The ids of `kind` the visitor owns, newest first. */
    owned: async (kind: ResourceKind, limit = 100): Promise<string[]> =>
      visitor === undefined ? [] : (await ownerStore().list(kind, visitor, { limit })).ids,
    /** Whether the visitor owns `kind`/`id`. */
    owns: async (kind: ResourceKind, id: string): Promise<boolean> =>
      visitor !== undefined && (await ownerStore().ownerOf(kind, id)) === visitor,
  }
}
