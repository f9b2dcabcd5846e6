'use client'

import { useId, useState } from 'react'
import { apiFetch, apiJson, toApiError } from '@/components/api/fetch'
import { issueInWords } from '@/components/api/error-words'
import {
  createRequest,
  expiryWindow,
  fieldOf,
  fieldOfCode,
  type CreateErrors,
  type ExpiryMode,
  type MetadataRow,
} from '@/components/durable/create-request'
import { ExpiryFieldset } from '@/components/durable/expiry-fieldset'
import { MetadataFieldset } from '@/components/durable/metadata-fieldset'
import type { StreamSummary } from '@/components/durable/use-stream-list'
import { Button } from '@/components/ui/button'
import { Card } from '@/components/ui/card'
import { CurlCommand } from '@/components/ui/curl-command'
import { Field, FieldError, Input } from '@/components/ui/field'
import { useHydrated } from '@/components/ui/use-hydrated'
import { NAME_MAX, NAMESPACE_MAX } from '@/lib/durable/client'

/**
 * The durable stream service's `streams.create(namespace, { contentType, compress, metadata, ttl })`
 * (docs/durable-streams.md) as a form, sent to `POST /api/durable` with the page's identity, so the
 * stream is the visitor's. The limits of the inputs and the first checks come from the server's
 * own schema (`lib/durable/create-options.ts`, through `create-request.ts`); what only the server
 * can say (a name already taken, the write token) comes back from it and is shown by the field it
 * is about.
 */

const CONTENT_TYPES = ['text/plain', 'text/csv', 'application/json', 'application/x-ndjson', 'application/octet-stream']

/**
 * `identified`: the page's identity cookie is known to be set (the list has answered). Until then
 * the form asks for one first: `POST /api/durable` gives none (scripts calling it own nothing), so
 * a stream made before the cookie would belong to nobody, not to this visitor.
 */
export function StreamCreateForm({
  token,
  identified,
  onCreated,
}: {
  token: string
  identified: boolean
  onCreated: (stream: StreamSummary) => void
}) {
  const hydrated = useHydrated()
  const uid = useId()
  const [namespace, setNamespace] = useState('notes')
  const [name, setName] = useState('')
  const [contentType, setContentType] = useState('text/plain')
  const [compress, setCompress] = useState(false)
  const [rows, setRows] = useState<MetadataRow[]>([])
  const [mode, setMode] = useState<ExpiryMode>('default')
  const [ttl, setTtl] = useState('3600')
  const [expiresAt, setExpiresAt] = useState('')
  /** The window a date may be chosen in, fixed when "at a date and time" is chosen. */
  const [atWindow, setAtWindow] = useState<{ min: number; max: number }>()
  const [errors, setErrors] = useState<CreateErrors>({})
  const [busy, setBusy] = useState(false)
  const [created, setCreated] = useState<string>()

  const values = { namespace, name, contentType, compress, rows, mode, ttl, expiresAt }

  function choose(next: ExpiryMode) {
    setMode(next)
    if (next === 'at') setAtWindow(expiryWindow())
  }

  async function submit(event: React.FormEvent) {
    event.preventDefault()
    setCreated(undefined)
    const request = createRequest(values)
    if (!request.ok) {
      setErrors(request.errors)
      return
    }
    setErrors({})
    setBusy(true)
    try {
      if (!identified) await apiFetch('/api/durable?limit=1') // sets the identity cookie, if this page has none yet
      const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {}
      const stream = await apiJson<StreamSummary>('/api/durable', { method: 'POST', headers, json: request.value })
      setCreated(stream.id)
      onCreated(stream)
    } catch (cause) {
      const error = toApiError(cause)
      const found: CreateErrors = {}
      for (const issue of error.issues) found[fieldOf(issue.path)] ??= issueInWords(issue.message)
      if (error.issues.length === 0) found[fieldOfCode(error.code)] = error.message
      if (error.code === 'unauthorized:token')
        found.form = `${error.message}: this server requires the streams token to create streams; type it in the “write token” field on this page.`
      setErrors(found)
    } finally {
      setBusy(false)
    }
  }

  const preview = createRequest(values)
  const curlBody = JSON.stringify(preview.ok ? preview.value : { namespace })

  return (
    <Card className="space-y-4" aria-labelledby={`${uid}-title`}>
      <div>
        <h2 id={`${uid}-title`} className="font-medium">
          Create a stream
        </h2>
        <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
          Every option of the durable stream service&apos;s <code>streams.create()</code> (docs/durable-streams.md), sent to{' '}
          <code>POST /api/durable</code> with this page’s identity: the stream is yours — only you can write to, close or delete it; anyone
          with its URL can read it.
        </p>
      </div>
      <form noValidate onSubmit={(e) => void submit(e)} data-testid="create-form">
        <fieldset disabled={!hydrated || busy} className="space-y-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Namespace"
              error={errors.namespace}
              hint={`The id’s first part: lower-case letters, digits, “-”, “_”, up to ${NAMESPACE_MAX}. Lists filter by it.`}
            >
              {(control) => (
                <Input
                  {...control}
                  className="w-full"
                  value={namespace}
                  maxLength={NAMESPACE_MAX}
                  required
                  onChange={(e) => setNamespace(e.target.value)}
                  data-testid="create-namespace"
                />
              )}
            </Field>
            <Field
              label={
                <>
                  Name <span className="font-normal text-zinc-600 dark:text-zinc-400">(optional)</span>
                </>
              }
              error={errors.name}
              hint="Empty: a random token, so nobody can guess the URL. A chosen name (letters, digits, “.”, “-”, “_”) makes the URL guessable — anyone who guesses it can read the stream — and must not be taken."
            >
              {(control) => (
                <Input
                  {...control}
                  className="w-full"
                  value={name}
                  maxLength={NAME_MAX}
                  placeholder="random: 22 unguessable characters"
                  onChange={(e) => setName(e.target.value)}
                  data-testid="create-name"
                />
              )}
            </Field>
            <Field
              label="Content type"
              error={errors.contentType}
              hint={
                <>
                  Served with every read. <code>application/json</code> makes each append a message and reads JSON arrays; other types are
                  bytes as written.
                </>
              }
            >
              {(control) => (
                <>
                  <Input
                    {...control}
                    className="w-full"
                    list={`${uid}-types`}
                    value={contentType}
                    onChange={(e) => setContentType(e.target.value)}
                    data-testid="create-content-type"
                  />
                  <datalist id={`${uid}-types`}>
                    {CONTENT_TYPES.map((t) => (
                      <option key={t} value={t} />
                    ))}
                  </datalist>
                </>
              )}
            </Field>
            <div>
              <span className="text-sm font-medium">Compression</span>
              <label className="mt-1 flex items-center gap-2 text-sm">
                <input type="checkbox" checked={compress} onChange={(e) => setCompress(e.target.checked)} data-testid="create-compress" />
                gzip at rest
              </label>
              <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
                Writes are stored as they come (readers follow them live); once the stream is closed it is gzip-compressed on the server.
                Readers always get the content plain; a closed non-JSON stream also downloads as its stored <code>.gz</code>.
              </p>
              <FieldError message={errors.compress} />
            </div>
          </div>

          <MetadataFieldset uid={uid} rows={rows} onChange={setRows} error={errors.metadata} />

          <ExpiryFieldset
            uid={uid}
            mode={mode}
            onMode={choose}
            ttl={ttl}
            onTtl={setTtl}
            expiresAt={expiresAt}
            onExpiresAt={setExpiresAt}
            atWindow={atWindow}
            error={errors.expiry}
          />

          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" variant="primary" data-testid="create-submit">
              {busy ? 'Creating…' : 'Create stream'}
            </Button>
            {created && (
              <span className="text-sm text-emerald-700 dark:text-emerald-300" data-testid="create-done">
                Created <code>{created}</code> — open below; write to it there.
              </span>
            )}
          </div>
          <FieldError message={errors.form} />
        </fieldset>
      </form>
      <CurlCommand
        command={`curl -b ~/.sluice -c ~/.sluice -H 'Content-Type: application/json' -d '${curlBody.replaceAll("'", "'\\''")}' {origin}/api/durable`}
      />
    </Card>
  )
}
