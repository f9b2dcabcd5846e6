'use client'

import { useId, useRef, useState } from 'react'
import { readApiError } from '@/components/api/fetch'
import { CurlCommand } from '@/components/ui/curl-command'
import { useHydrated } from '@/components/ui/use-hydrated'
import type { StreamSummary } from '@/components/streams/use-stream-list'
import {
  createBodySchema,
  METADATA_KEY_MAX,
  METADATA_MAX_KEYS,
  METADATA_VALUE_MAX,
  MAX_TTL_SECONDS,
  MIN_TTL_SECONDS,
  NAME_MAX,
  NAMESPACE_MAX,
} from '@/lib/durable/create-options'

/**
 * Document 002's `streams.create(namespace, { contentType, compress, metadata, ttl })` as a form,
 * sent to `POST /api/streams` with the page's identity, so the stream is the visitor's. The limits
 * of the inputs and the first checks come from the server's own schema (`lib/durable/create-options.ts`);
 * what only the server can say (TTL bounds, a name already taken, the write token) comes back
 * from it and is shown by the field it is about.
 */

type Field = 'namespace' | 'name' | 'contentType' | 'compress' | 'metadata' | 'expiry' | 'form'
type Errors = Partial<Record<Field, string>>
type ExpiryMode = 'default' | 'never' | 'ttl' | 'at'

const CONTENT_TYPES = ['text/plain', 'text/csv', 'application/json', 'application/x-ndjson', 'application/octet-stream']
const input = 'w-full rounded border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900'
const hint = 'mt-1 text-xs text-zinc-600 dark:text-zinc-400'
const button = 'rounded bg-sky-700 px-4 py-1.5 text-sm font-medium text-white disabled:opacity-50'
const small = 'rounded border border-zinc-300 px-2 py-1 text-xs disabled:opacity-40 dark:border-zinc-700'

/** The field a zod issue's path (`['ttl']`, or `'metadata.k'` from the server) is about. */
function fieldOf(path: string | readonly PropertyKey[]): Field {
  const head = String(typeof path === 'string' ? path.split('.')[0] : (path[0] ?? ''))
  if (head === 'ttl' || head === 'expiresAt') return 'expiry'
  if (['namespace', 'name', 'contentType', 'compress', 'metadata'].includes(head)) return head as Field
  return 'form'
}

/** The field a refusal without zod issues is about, from its code. */
function fieldOfCode(code: string): Field {
  if (code === 'bad_request:ttl' || code === 'bad_request:expiry') return 'expiry'
  if (code === 'conflict:stream') return 'name'
  if (code === 'bad_request:namespace') return 'namespace'
  return 'form'
}

/** `YYYY-MM-DDTHH:mm` in local time, as `<input type="datetime-local">` takes it. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000)
  return d.toISOString().slice(0, 16)
}

/** The instants an `expiresAt` may lie between, from now: the TTL window as dates. */
function expiryWindow(): { min: number; max: number } {
  const now = Date.now()
  return { min: now + MIN_TTL_SECONDS * 1000, max: now + MAX_TTL_SECONDS * 1000 }
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null
  return (
    <p id={id} className="mt-1 text-xs text-red-700 dark:text-red-300" role="alert">
      {message}
    </p>
  )
}

interface MetadataRow {
  key: string
  value: string
  n: number
}

/**
 * `identified`: the page's identity cookie is known to be set (the list has answered). Until then
 * the form asks for one first: `POST /api/streams` gives none (scripts calling it own nothing), so
 * a stream made before the cookie would belong to nobody, not to this visitor.
 */
export function StreamCreateForm({ token, identified, onCreated }: { token: string; identified: boolean; onCreated: (stream: StreamSummary) => void }) {
  const hydrated = useHydrated()
  const uid = useId()
  const [namespace, setNamespace] = useState('notes')
  const [name, setName] = useState('')
  const [contentType, setContentType] = useState('text/plain')
  const [compress, setCompress] = useState(false)
  const [rows, setRows] = useState<MetadataRow[]>([])
  const nextRow = useRef(0)
  const [mode, setMode] = useState<ExpiryMode>('default')
  const [ttl, setTtl] = useState('3600')
  const [expiresAt, setExpiresAt] = useState('')
  /** The window a date may be chosen in, fixed when "at a date and time" is chosen. */
  const [atWindow, setAtWindow] = useState<{ min: number; max: number }>()
  const [errors, setErrors] = useState<Errors>({})
  const [busy, setBusy] = useState(false)
  const [created, setCreated] = useState<string>()

  function choose(next: ExpiryMode) {
    setMode(next)
    if (next === 'at') setAtWindow(expiryWindow())
  }

  /** The request body, or the field errors that stop it from being sent. */
  function body(): { ok: true; value: Record<string, unknown> } | { ok: false; errors: Errors } {
    const value: Record<string, unknown> = { namespace: namespace.trim() }
    const found: Errors = {}
    if (name.trim() !== '') value.name = name.trim()
    if (contentType.trim() !== '') value.contentType = contentType.trim()
    if (compress) value.compress = true
    if (rows.length > 0) {
      const keys = rows.map((r) => r.key.trim())
      const twice = keys.find((k, i) => keys.indexOf(k) !== i)
      if (twice !== undefined) found.metadata = `the key "${twice}" is given twice`
      value.metadata = Object.fromEntries(rows.map((r) => [r.key.trim(), r.value]))
    }
    if (mode === 'never') value.ttl = null
    if (mode === 'ttl') {
      if (!/^\d+$/.test(ttl.trim())) found.expiry = 'the TTL is whole seconds, e.g. 3600'
      else value.ttl = Number(ttl.trim())
    }
    if (mode === 'at') {
      const at = Date.parse(expiresAt)
      if (expiresAt === '' || Number.isNaN(at)) found.expiry = 'choose the date and time the stream expires'
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

  async function submit(event: React.FormEvent) {
    event.preventDefault()
    setCreated(undefined)
    const request = body()
    if (!request.ok) {
      setErrors(request.errors)
      return
    }
    setErrors({})
    setBusy(true)
    try {
      if (!identified) await fetch('/api/streams?limit=1') // sets the identity cookie, if this page has none yet
      const headers: Record<string, string> = { 'Content-Type': 'application/json' }
      if (token) headers.Authorization = `Bearer ${token}`
      const res = await fetch('/api/streams', { method: 'POST', headers, body: JSON.stringify(request.value) })
      if (!res.ok) {
        const error = await readApiError(res)
        const found: Errors = {}
        for (const issue of error.issues) found[fieldOf(issue.path)] ??= issue.message
        if (error.issues.length === 0) found[fieldOfCode(error.code)] = error.message
        if (error.code === 'unauthorized:token') found.form = `${error.message}: this server requires the streams token to create streams; type it in the “write token” field on this page.`
        setErrors(found)
        return
      }
      const stream = (await res.json()) as StreamSummary
      setCreated(stream.id)
      onCreated(stream)
    } catch (error) {
      setErrors({ form: `The request failed: ${error instanceof Error ? error.message : String(error)}` })
    } finally {
      setBusy(false)
    }
  }

  const preview = body()
  const curlBody = JSON.stringify(preview.ok ? preview.value : { namespace })
  const err = (field: Field) => `${uid}-${field}-error`
  const described = (field: Field) => (errors[field] ? err(field) : undefined)

  return (
    <section className="space-y-4 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900" aria-labelledby={`${uid}-title`}>
      <div>
        <h2 id={`${uid}-title`} className="font-medium">
          Create a stream
        </h2>
        <p className={hint}>
          Every option of document 002’s <code>streams.create()</code>, sent to <code>POST /api/streams</code> with this page’s
          identity: the stream is yours — only you can write to, close or delete it; anyone with its URL can read it.
        </p>
      </div>
      <form noValidate onSubmit={(e) => void submit(e)} data-testid="create-form">
        <fieldset disabled={!hydrated || busy} className="space-y-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <div>
              <label htmlFor={`${uid}-ns`} className="text-sm font-medium">
                Namespace
              </label>
              <input id={`${uid}-ns`} className={input} value={namespace} maxLength={NAMESPACE_MAX} required aria-invalid={!!errors.namespace} aria-describedby={described('namespace')} onChange={(e) => setNamespace(e.target.value)} data-testid="create-namespace" />
              <p className={hint}>The id’s first part: lower-case letters, digits, “-”, “_”, up to {NAMESPACE_MAX}. Lists filter by it.</p>
              <FieldError id={err('namespace')} message={errors.namespace} />
            </div>
            <div>
              <label htmlFor={`${uid}-name`} className="text-sm font-medium">
                Name <span className="font-normal text-zinc-600 dark:text-zinc-400">(optional)</span>
              </label>
              <input id={`${uid}-name`} className={input} value={name} maxLength={NAME_MAX} placeholder="random: 22 unguessable characters" aria-invalid={!!errors.name} aria-describedby={described('name')} onChange={(e) => setName(e.target.value)} data-testid="create-name" />
              <p className={hint}>
                Empty: a random token, so nobody can guess the URL. A chosen name (letters, digits, “.”, “-”, “_”) makes the URL
                guessable — anyone who guesses it can read the stream — and must not be taken.
              </p>
              <FieldError id={err('name')} message={errors.name} />
            </div>
            <div>
              <label htmlFor={`${uid}-type`} className="text-sm font-medium">
                Content type
              </label>
              <input id={`${uid}-type`} className={input} list={`${uid}-types`} value={contentType} aria-invalid={!!errors.contentType} aria-describedby={described('contentType')} onChange={(e) => setContentType(e.target.value)} data-testid="create-content-type" />
              <datalist id={`${uid}-types`}>
                {CONTENT_TYPES.map((t) => (
                  <option key={t} value={t} />
                ))}
              </datalist>
              <p className={hint}>
                Served with every read. <code>application/json</code> makes each append a message and reads JSON arrays; other
                types are bytes as written.
              </p>
              <FieldError id={err('contentType')} message={errors.contentType} />
            </div>
            <div>
              <span className="text-sm font-medium">Compression</span>
              <label className="mt-1 flex items-center gap-2 text-sm">
                <input type="checkbox" checked={compress} onChange={(e) => setCompress(e.target.checked)} data-testid="create-compress" />
                gzip at rest
              </label>
              <p className={hint}>
                Writes are stored as they come (readers follow them live); once the stream is closed it is gzip-compressed on the
                server. Readers always get the content plain; a closed non-JSON stream also downloads as its stored <code>.gz</code>.
              </p>
              <FieldError id={err('compress')} message={errors.compress} />
            </div>
          </div>

          <fieldset aria-describedby={described('metadata')}>
            <legend className="text-sm font-medium">Metadata</legend>
            <p className={hint}>
              Key–value pairs kept with the stream (who made it, what for); the list filters on one exactly. Up to {METADATA_MAX_KEYS}{' '}
              keys of 1–{METADATA_KEY_MAX} letters, digits, “.”, “-”, “_”; values up to {METADATA_VALUE_MAX} characters.
            </p>
            <div className="mt-2 space-y-2">
              {rows.map((row, i) => (
                <div key={row.n} className="flex flex-wrap items-center gap-2" data-testid="meta-row">
                  <label className="sr-only" htmlFor={`${uid}-k${row.n}`}>
                    metadata key {i + 1}
                  </label>
                  <input id={`${uid}-k${row.n}`} className={`${input} w-36`} placeholder="key" maxLength={METADATA_KEY_MAX} value={row.key} onChange={(e) => setRows(rows.map((r) => (r.n === row.n ? { ...r, key: e.target.value } : r)))} data-testid="meta-key" />
                  <label className="sr-only" htmlFor={`${uid}-v${row.n}`}>
                    metadata value {i + 1}
                  </label>
                  <input id={`${uid}-v${row.n}`} className={`${input} min-w-0 flex-1`} placeholder="value" maxLength={METADATA_VALUE_MAX} value={row.value} onChange={(e) => setRows(rows.map((r) => (r.n === row.n ? { ...r, value: e.target.value } : r)))} data-testid="meta-value" />
                  <button type="button" className={small} onClick={() => setRows(rows.filter((r) => r.n !== row.n))} aria-label={`remove metadata ${i + 1}`} data-testid="meta-remove">
                    Remove
                  </button>
                </div>
              ))}
            </div>
            <button type="button" className={`${small} mt-2`} disabled={rows.length >= METADATA_MAX_KEYS} onClick={() => setRows([...rows, { key: '', value: '', n: nextRow.current++ }])} data-testid="meta-add">
              Add metadata
            </button>
            <FieldError id={err('metadata')} message={errors.metadata} />
          </fieldset>

          <fieldset aria-describedby={described('expiry')}>
            <legend className="text-sm font-medium">Expiry</legend>
            <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm">
              {(
                [
                  ['default', 'default: 30 days'],
                  ['never', 'never'],
                  ['ttl', 'after a TTL'],
                  ['at', 'at a date and time'],
                ] as const
              ).map(([value, label]) => (
                <label key={value} className="flex items-center gap-1">
                  <input type="radio" name={`${uid}-expiry`} value={value} checked={mode === value} onChange={() => choose(value)} data-testid={`expiry-${value}`} />
                  {label}
                </label>
              ))}
            </div>
            {mode === 'ttl' && (
              <div className="mt-2">
                <label htmlFor={`${uid}-ttl`} className="text-sm">
                  TTL in seconds
                </label>
                <input id={`${uid}-ttl`} type="number" inputMode="numeric" className={`${input} w-40`} min={MIN_TTL_SECONDS} max={MAX_TTL_SECONDS} step={1} value={ttl} aria-invalid={!!errors.expiry} onChange={(e) => setTtl(e.target.value)} data-testid="create-ttl" />
              </div>
            )}
            {mode === 'at' && (
              <div className="mt-2">
                <label htmlFor={`${uid}-at`} className="text-sm">
                  Expires at (your local time)
                </label>
                <input id={`${uid}-at`} type="datetime-local" className={`${input} w-60`} min={atWindow && localInput(atWindow.min)} max={atWindow && localInput(atWindow.max)} value={expiresAt} aria-invalid={!!errors.expiry} onChange={(e) => setExpiresAt(e.target.value)} data-testid="create-expires-at" />
              </div>
            )}
            <p className={hint}>
              Document 002’s rules: no TTL → 30 days; never → kept until deleted; a TTL is whole seconds from {MIN_TTL_SECONDS} (a
              minute) to {MAX_TTL_SECONDS.toLocaleString('en')} (90 days); a date must lie in the same window. The expiry is fixed
              when the stream is made — reading or writing does not extend it. At expiry the stream is gone at once: its URL
              answers 404, writers are refused, it leaves this list, and the server reclaims its storage shortly after.
            </p>
            <FieldError id={err('expiry')} message={errors.expiry} />
          </fieldset>

          <div className="flex flex-wrap items-center gap-3">
            <button type="submit" className={button} data-testid="create-submit">
              {busy ? 'Creating…' : 'Create stream'}
            </button>
            {created && (
              <span className="text-sm text-emerald-700 dark:text-emerald-300" data-testid="create-done">
                Created <code>{created}</code> — open below; write to it there.
              </span>
            )}
          </div>
          <FieldError id={err('form')} message={errors.form} />
        </fieldset>
      </form>
      <CurlCommand command={`curl -b ~/.sluice -c ~/.sluice -H 'Content-Type: application/json' -d '${curlBody.replaceAll("'", "'\\''")}' {origin}/api/streams`} />
    </section>
  )
}
