import { cookies } from 'next/headers'
import { ownerStore } from '@/lib/access/instance'
import type { ResourceKind } from '@/lib/access/owners'
import { signingSecret } from '@/lib/access/secret'
import { VISITOR_COOKIE, verifyVisitor } from '@/lib/access/visitor'

/**
 * Ownership as a server-rendered page sees it: the visitor of the request's cookie (pages do not
 * mint identities; the first API call that needs one does), what it owns, and whether it owns a
 * given thing. The same owner store as the guard's.
 */
export async function pageVisitor(): Promise<string | undefined> {
  const value = (await cookies()).get(VISITOR_COOKIE)?.value
  return value === undefined ? undefined : verifyVisitor(value, await signingSecret())
}

/** The ids of `kind` the page's visitor owns, newest first. */
export async function ownedByPageVisitor(kind: ResourceKind, limit = 100): Promise<string[]> {
  const visitor = await pageVisitor()
  return visitor === undefined ? [] : (await ownerStore().list(kind, visitor, { limit })).ids
}

/** Whether the page's visitor owns `kind`/`id`. */
export async function pageVisitorOwns(kind: ResourceKind, id: string): Promise<boolean> {
  const visitor = await pageVisitor()
  return visitor !== undefined && (await ownerStore().ownerOf(kind, id)) === visitor
}
