import { randomUUID } from 'node:crypto'
import type { Access } from '@/lib/access/guard'
import type { ResourceKind } from '@/lib/access/owners'
import { toAppError } from '@/lib/errors'

/**
 * For unit tests of handlers that run behind the access guard (`streamHandlers`): an `Access`
 * for one visitor with an in-memory owner map, and an adapter that calls a handler as
 * `route()` would after the guard (errors become the app's error responses). Each request is
 * a new visitor unless one is given, so the running caps of one test never meet another's.
 */
export function testAccess(visitor: string = randomUUID(), owners = new Map<string, string>()): Access {
  const key = (kind: ResourceKind, id: string) => `${kind}:${id}`
  return {
    visitor,
    operator: false,
    identity: () => visitor,
    async claim(kind, id) {
      const holder = owners.get(key(kind, id)) ?? visitor
      owners.set(key(kind, id), holder)
      if (holder !== visitor) throw new Error(`${kind} ${id} belongs to ${holder}`)
    },
    async require(kind, id) {
      if (owners.get(key(kind, id)) !== visitor) throw new Error(`${kind} ${id} is not ${visitor}'s`)
    },
    async owns(kind, id) {
      return owners.get(key(kind, id)) === visitor
    },
    async mine(kind) {
      const ids = [...owners].filter(([k, v]) => k.startsWith(`${kind}:`) && v === visitor).map(([k]) => k.slice(kind.length + 1))
      return { total: ids.length, ids }
    },
    async release(kind, id) {
      owners.delete(key(kind, id))
    },
  }
}

type GuardedHandler = (request: Request, context: unknown, access: Access) => Promise<Response>

/** `handler` as a plain `(request) => Response`, run with `access` (a new visitor per request by default). */
export function withAccess(handler: GuardedHandler, access?: Access): (request: Request) => Promise<Response> {
  return async (request) => {
    try {
      return await handler(request, undefined, access ?? testAccess())
    } catch (error) {
      return toAppError(error).toResponse()
    }
  }
}
