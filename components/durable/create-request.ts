import { createBodySchema, MAX_TTL_SECONDS, MIN_TTL_SECONDS } from '@/lib/durable/client'

/**
 * The create form's request, built and checked in the page with the server's own schema
 * (`lib/durable/create-options.ts`), and the field each error — the page's or the server's — is about.
 */

export type CreateField = 'namespace' | 'name' | 'contentType' | 'compress' | 'metadata' | 'expiry' | 'form'
export type CreateErrors = Partial<Record<CreateField, string>>
export type ExpiryMode = 'default' | 'never' | 'ttl' | 'at'

export interface MetadataRow {
  key: string
  value: string
  /** A stable key for React (rows are added and removed). */
  n: number
}

export interface CreateValues {
  namespace: string
  name: string
  contentType: string
  compress: boolean
  rows: MetadataRow[]
  mode: ExpiryMode
  ttl: string
  expiresAt: string
}

/** The field a zod issue's path (`['ttl']`, or `'metadata.k'` from the server) is about. */
export function fieldOf(path: string | readonly PropertyKey[]): CreateField {
  const head = String(typeof path === 'string' ? path.split('.')[0] : (path[0] ?? ''))
  if (head === 'ttl' || head === 'expiresAt') return 'expiry'
  if (['namespace', 'name', 'contentType', 'compress', 'metadata'].includes(head)) return head as CreateField
  return 'form'
}

/** The field a refusal without zod issues is about, from its code. */
export function fieldOfCode(code: string): CreateField {
  if (code === 'bad_request:ttl' || code === 'bad_request:expiry') return 'expiry'
  if (code === 'conflict:stream') return 'name'
  if (code === 'bad_request:namespace') return 'namespace'
  return 'form'
}

/** `YYYY-MM-DDTHH:mm` in local time, as `<input type="datetime-local">` takes it. */
export function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000)
  return d.toISOString().slice(0, 16)
}

/** The instants an `expiresAt` may lie between, from now: the TTL window as dates. */
export function expiryWindow(): { min: number; max: number } {
  const now = Date.now()
  return { min: now + MIN_TTL_SECONDS * 1000, max: now + MAX_TTL_SECONDS * 1000 }
}

/** The request body, or the field errors that stop it from being sent. */
export function createRequest(v: CreateValues): { ok: true; value: Record<string, unknown> } | { ok: false; errors: CreateErrors } {
  const value: Record<string, unknown> = { namespace: v.namespace.trim() }
  const found: CreateErrors = {}
  if (v.name.trim() !== '') value.name = v.name.trim()
  if (v.contentType.trim() !== '') value.contentType = v.contentType.trim()
  if (v.compress) value.compress = true
  if (v.rows.length > 0) {
    const keys = v.rows.map((r) => r.key.trim())
    const twice = keys.find((k, i) => keys.indexOf(k) !== i)
    if (twice !== undefined) found.metadata = `the key "${twice}" is given twice`
    value.metadata = Object.fromEntries(v.rows.map((r) => [r.key.trim(), r.value]))
  }
  if (v.mode === 'never') value.ttl = null
  if (v.mode === 'ttl') {
    if (!/^\d+$/.test(v.ttl.trim())) found.expiry = 'the TTL is whole seconds, e.g. 3600'
    else value.ttl = Number(v.ttl.trim())
  }
  if (v.mode === 'at') {
    const at = Date.parse(v.expiresAt)
    if (v.expiresAt === '' || Number.isNaN(at)) found.expiry = 'choose the date and time the stream expires'
    else value.expiresAt = new Date(at).toISOString()
  }
  const parsed = createBodySchema.safeParse(value)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOf(issue.path)
      const where = field === 'metadata' && issue.path.length > 1 ? `"${String(issue.path[1])}": ` : ''
      found[field] ??= where + issue.message
    }
  }
  return Object.keys(found).length > 0 ? { ok: false, errors: found } : { ok: true, value }
}
