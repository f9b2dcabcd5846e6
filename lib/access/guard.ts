import { ownerStore } from '@/lib/access/instance'
import { ANNOUNCED_KINDS, ownerChanges } from '@/lib/access/owner-changes'
import type { ResourceKind } from '@/lib/access/owners'
import { signingSecret } from '@/lib/access/secret'
import { accessTable, type AccessRow, type IdSource, type RouteKey } from '@/lib/access/table'
import { bearerToken, tokenMatches } from '@/lib/access/tokens'
import { newVisitorId, readVisitor, visitorSetCookie } from '@/lib/access/visitor'
import { config } from '@/lib/config'
import { chatIdSchema, parseUploadId, parseUploadName } from '@/lib/contract'
import { AppError } from '@/lib/errors'
import { requestOrigin } from '@/lib/forwarded'

/**
 * The one access guard: `route()` calls it with the route's row of {@link accessTable} before
 * the handler runs, and the handler gets the result — who is calling, and the few checks that
 * need a value only the handler has (a chat id in a JSON body, the id of a stream it just made).
 */
export interface Access {
  /** The caller's visitor id, if the request carries a valid identity (or one was minted). */
  readonly visitor: string | undefined
  /** The caller presented the operator token. */
  readonly operator: boolean
  /** The caller's identity, minted (and set as a cookie on the response) when it has none. */
  identity(): string
  /** Makes `kind`/`id` the caller's (403 when it is someone else's). The operator may act on anything. */
  claim(kind: ResourceKind, id: string): Promise<void>
  /** Refuses unless the caller owns `kind`/`id` (or is the operator): 404 when nobody does, 403 when another visitor does. */
  require(kind: ResourceKind, id: string): Promise<void>
  /** Whether the caller may change `kind`/`id` as its owner: it owns it, or is the operator. Never mints an identity. */
  owns(kind: ResourceKind, id: string): Promise<boolean>
  /** The ids of `kind` the caller owns, newest first — or `'all'` for the operator. */
  mine(kind: ResourceKind, page?: { limit?: number; offset?: number }): Promise<{ total: number; ids: string[] } | 'all'>
  /** Forgets the owner of `kind`/`id` after deleting it. */
  release(kind: ResourceKind, id: string): Promise<void>
}

/**
 * Tells the owner's live lists that what they own changed. A failure is logged, not thrown: the
 * resource is made (or gone) already, and the list catches up at its next change or reconnection.
 */
async function announce(kind: ResourceKind, owner: string | undefined): Promise<void> {
  if (owner === undefined || !ANNOUNCED_KINDS.has(kind)) return
  try {
    await ownerChanges().notify(kind, owner)
  } catch (error) {
    console.error(`[sluice] announcing a change of ${kind}s owned failed`, error)
  }
}

export interface Guarded {
  access: Access
  /** Adds what the guard owes the response (the new identity's cookie). */
  finish(response: Response): Response
}

/** The subject of a kind's `not_found:` code, as its handlers name it. */
const subjects: Record<ResourceKind, string> = {
  chat: 'chat',
  stream: 'stream',
  upload: 'upload',
  'upload-session': 'upload',
  'typed-stream': 'stream',
}

const AUDIT = /^audit(\/|$)/

const nouns: Record<ResourceKind, string> = {
  chat: 'chat',
  stream: 'stream',
  upload: 'upload',
  'upload-session': 'upload',
  'typed-stream': 'import job',
}

/**
 * Refuses a browser's cross-site request (as Go's `http.CrossOriginProtection` does): a browser
 * says where a request comes from in `Sec-Fetch-Site` (every current browser sends it), which is
 * believed when present — it is computed by the browser, so proxies that rewrite `Host` do not
 * matter. Without it an `Origin` must name the host the request was sent to. Requests with
 * neither are not from a browser (curl, scripts) and pass.
 */
function refuseCrossSite(request: Request): void {
  const site = request.headers.get('sec-fetch-site')
  const origin = request.headers.get('origin')
  let crossSite: boolean
  if (site !== null) {
    crossSite = site !== 'same-origin' && site !== 'none'
  } else if (origin !== null) {
    let originHost: string | undefined
    try {
      originHost = new URL(origin).host
    } catch {
      originHost = undefined // "null" or garbage: not our origin
    }
    // The host the client sent the request to, as absolute URLs are built (forwarded only when trusted).
    crossSite = originHost === undefined || originHost !== new URL(requestOrigin(request)).host
  } else {
    crossSite = false
  }
  if (crossSite) {
    throw new AppError('forbidden:cross_site', 'This endpoint is only for Sluice’s own pages: cross-site requests are refused')
  }
}

function decoded(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

function tokenError(variable: string): AppError {
  return new AppError('unauthorized:token', `This needs "Authorization: Bearer <${variable}>"`, {
    headers: { 'WWW-Authenticate': 'Bearer realm="sluice"' },
  })
}

/** Each kind's id checks, so a malformed id is the same 400 it would be in the handler. */
const validate: Record<ResourceKind, (id: string) => void> = {
  chat: (id) => {
    if (!chatIdSchema.safeParse(id).success) throw new AppError('bad_request:chat_id', `Invalid chat id ${JSON.stringify(id.slice(0, 80))}`)
  },
  stream: () => {}, // the protocol and the service check stream paths themselves
  upload: (id) => void parseUploadName(id),
  'upload-session': (id) => void parseUploadId(id),
  'typed-stream': (id) => {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
      throw new AppError('bad_request:query', 'stream must be the streamId of a start frame')
  },
}

async function resourceId(source: IdSource, request: Request, context: unknown): Promise<string | undefined> {
  if (source === 'body') return undefined
  if ('query' in source) return new URL(request.url).searchParams.get(source.query) ?? undefined
  const params = (await (context as { params?: Promise<Record<string, string | string[]>> } | undefined)?.params) ?? {}
  const value = params[source.param]
  return Array.isArray(value) ? value.join('/') : value
}

/** Checks `request` against the row of `key`; throws the refusal as an `AppError`. */
export async function guard(key: RouteKey, request: Request, context: unknown): Promise<Guarded> {
  const row: AccessRow = accessTable[key]
  const c = config()
  const presented = bearerToken(request)
  const operator = c.SLUICE_OPERATOR_TOKEN !== undefined && presented !== undefined && tokenMatches(presented, c.SLUICE_OPERATOR_TOKEN)
  const cookie = request.headers.has('cookie')
  // Only rows that care who is calling read the identity: health checks and public reads never
  // wait on the store that keeps the secret.
  const needsVisitor = row.who === 'visitor' || row.who === 'owner' || ((row.who === 'writer' || row.identifies === true) && cookie)
  const secret = needsVisitor ? await signingSecret() : undefined
  let visitor = secret && cookie ? readVisitor(request, secret) : undefined
  let minted: string | undefined
  let checked = row.resource?.id !== 'body'

  if (row.sameSite) refuseCrossSite(request)
  if (row.token === 'jobs' && c.SLUICE_JOBS_TOKEN !== undefined && !operator) {
    if (presented === undefined || !tokenMatches(presented, c.SLUICE_JOBS_TOKEN)) throw tokenError('SLUICE_JOBS_TOKEN')
  }

  const access: Access = {
    get visitor() {
      return visitor
    },
    operator,
    identity() {
      if (visitor !== undefined) return visitor
      // Only rows that read identities can give one (the cookie is signed with the secret).
      if (secret === undefined) throw new Error(`[sluice] ${key}: this access row gives no identity (who: ${row.who})`)
      visitor = minted = newVisitorId()
      return visitor
    },
    async claim(kind, id) {
      checked = true
      validate[kind](id)
      if (operator && visitor === undefined) return
      const me = access.identity()
      const holder = await ownerStore().claim(kind, id, me)
      if (holder !== me && !operator) throw new AppError('forbidden:owner', `This ${nouns[kind]} belongs to another visitor`)
      if (holder === me) await announce(kind, me)
    },
    async require(kind, id) {
      checked = true
      validate[kind](id)
      if (operator) return
      const holder = await ownerStore().ownerOf(kind, id)
      if (holder === undefined) throw new AppError(`not_found:${subjects[kind]}`, `No ${nouns[kind]} ${id}`)
      if (holder !== visitor) throw new AppError('forbidden:owner', `This ${nouns[kind]} belongs to another visitor`)
    },
    async owns(kind, id) {
      if (operator) return true
      return visitor !== undefined && (await ownerStore().ownerOf(kind, id)) === visitor
    },
    async mine(kind, page) {
      if (operator) return 'all'
      if (visitor === undefined) return { total: 0, ids: [] }
      return ownerStore().list(kind, visitor, page)
    },
    async release(kind, id) {
      const owner = ANNOUNCED_KINDS.has(kind) ? await ownerStore().ownerOf(kind, id) : undefined
      await ownerStore().release(kind, id)
      await announce(kind, owner)
    },
  }

  const id = row.resource ? await resourceId(row.resource.id, request, context) : undefined
  if (id !== undefined && row.resource !== undefined) validate[row.resource.kind](id)
  const streamId = row.resource?.kind === 'stream' ? id : undefined
  const forkedFrom = streamId === undefined ? null : request.headers.get('stream-forked-from')
  const source = forkedFrom === null || forkedFrom === undefined ? undefined : decoded(forkedFrom).replace(/^(\/v1\/stream)?\/+/, '')
  if (((streamId !== undefined && AUDIT.test(streamId)) || (source !== undefined && AUDIT.test(source))) && !operator) {
    // Audit records hold every prompt and answer: the operator's alone, whatever the row says.
    if (c.SLUICE_OPERATOR_TOKEN === undefined || presented === undefined) throw tokenError('SLUICE_OPERATOR_TOKEN')
    throw new AppError('forbidden:operator', 'Audit records are readable by the operator only')
  }

  switch (row.who) {
    case 'anyone':
    case 'link':
      break
    case 'visitor':
      access.identity()
      break
    case 'operator':
      if (operator) break
      if (c.SLUICE_OPERATOR_TOKEN === undefined && row.localOpen) break
      if (c.SLUICE_OPERATOR_TOKEN === undefined)
        throw new AppError('forbidden:operator', 'This needs the operator token, and SLUICE_OPERATOR_TOKEN is not set')
      throw tokenError('SLUICE_OPERATOR_TOKEN')
    case 'owner':
      if (row.resource === undefined || row.resource.id === 'body') break // the handler claims or requires
      if (id === undefined) {
        const where = row.resource.id
        throw new AppError('bad_request:query', `Missing ${'query' in where ? where.query : where.param}`)
      }
      if (row.creates) await access.claim(row.resource.kind, id)
      else await access.require(row.resource.kind, id)
      break
    case 'writer': {
      if (operator) break
      const holder = streamId === undefined ? undefined : await ownerStore().ownerOf('stream', streamId)
      if (holder !== undefined) {
        if (holder !== visitor) throw new AppError('forbidden:owner', 'This stream belongs to another visitor')
        break
      }
      const token = c.SLUICE_STREAMS_TOKEN
      if (token !== undefined && (presented === undefined || !tokenMatches(presented, token))) throw tokenError('SLUICE_STREAMS_TOKEN')
      break
    }
  }

  return {
    access,
    finish(response) {
      if (!checked && response.ok) {
        // A row that says the handler checks ownership, and a handler that did not: a bug, not a 200.
        throw new Error(`[sluice] ${key}: the access row needs an ownership check and the handler made none`)
      }
      if (minted !== undefined && secret !== undefined) {
        const secure = requestOrigin(request).startsWith('https:')
        const cookie = visitorSetCookie(secret, minted, secure)
        try {
          response.headers.append('Set-Cookie', cookie)
        } catch {
          // Immutable headers (a response passed through from fetch()): copy it first.
          response = new Response(response.body, response)
          response.headers.append('Set-Cookie', cookie)
        }
      }
      return response
    },
  }
}
