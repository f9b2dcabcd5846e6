'use client'

import { useMemo, useState } from 'react'
import { issueInWords } from '@/components/api/error-words'
import { Button } from '@/components/ui/button'
import { Card, CardHeading } from '@/components/ui/card'
import { CurlCommand } from '@/components/ui/curl-command'
import { FieldError } from '@/components/ui/field'
import { ErrorMessage } from '@/components/ui/error-message'
import { FrameLog } from '@/components/typed/frame-log'
import { formFields, initialValues, InvalidJsonField, toInput, WHOLE_INPUT, type FormValues } from '@/components/typed/form-fields'
import { SchemaFields } from '@/components/typed/schema-form'
import { SchemaView } from '@/components/typed/schema-view'
import { useHydrated } from '@/components/ui/use-hydrated'
import { useTypedStream } from '@/components/typed/use-typed-stream'
import type { CatalogueEntry } from '@/app/api/typed/catalogue'
import type { AnyStreamDefinition } from '@/lib/typed/client'

/** The chunks listed at most (all are counted). */
const SHOWN_CHUNKS = 30

/** A shell word in single quotes. */
const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`

function curlFor(entry: CatalogueEntry, input: unknown, streamId: string | undefined): string {
  const open = `curl -N -X POST '{origin}${entry.path}' -H 'content-type: application/json' -d ${quote(JSON.stringify(input ?? {}))}`
  const cancel = `curl -X DELETE '{origin}${entry.path}?stream=${streamId ?? '<streamId of the start frame>'}'`
  return [open, cancel].join('\n')
}

/**
 * Chunks that carry a string `delta` (tokens) joined into text, one text per `kind` when they
 * have one (an answer's `reasoning` and `text`), in the order the kinds first came; none when
 * the chunks carry no deltas.
 */
function joinedDeltas(chunks: unknown[]): { kind: string; text: string }[] {
  const texts = new Map<string, string>()
  for (const chunk of chunks) {
    const { delta, kind } = (chunk ?? {}) as { delta?: unknown; kind?: unknown }
    if (typeof delta !== 'string') return []
    const key = typeof kind === 'string' ? kind : ''
    texts.set(key, (texts.get(key) ?? '') + delta)
  }
  return [...texts].map(([kind, text]) => ({ kind, text }))
}

/**
 * One endpoint of the catalogue: what it does, its schemas (collapsed), a form generated from its
 * input schema, and the frames of a run as they arrive — a `type #id` badge per frame, the
 * chunks' payloads, the final value (or the partial result of a cancel), errors in words.
 */
export function EndpointCard({ entry }: { entry: CatalogueEntry }) {
  const fields = useMemo(() => formFields(entry.schemas.input), [entry])
  const [values, setValues] = useState<FormValues>(() => initialValues(fields))
  const [file, setFile] = useState<File | null>(null)
  const [formError, setFormError] = useState<string | undefined>()
  const stream = useTypedStream<AnyStreamDefinition>(entry.path)
  const hydrated = useHydrated()
  const streaming = stream.status === 'streaming'
  const id = `typed-${entry.name}`

  const input = useMemo(() => {
    try {
      return toInput(fields, values)
    } catch {
      return undefined
    }
  }, [fields, values])

  function start(event: React.FormEvent) {
    event.preventDefault()
    setFormError(undefined)
    try {
      // No checks here: the server's schema decides, and its 400 names the field.
      const body = toInput(fields, values)
      void stream.start(body as never, file ? { body: file } : {})
    } catch (error) {
      setFormError(error instanceof InvalidJsonField || error instanceof TypeError ? error.message : String(error))
    }
  }

  // The server's refusal by field: each issue whose path names a field of the form, in words.
  const fieldErrors: Record<string, string> = {}
  for (const issue of stream.error?.issues ?? []) {
    const name = fields.some((f) => f.name === issue.path.split('.')[0])
      ? issue.path.split('.')[0]!
      : fields.some((f) => f.name === WHOLE_INPUT)
        ? WHOLE_INPUT
        : undefined
    if (name !== undefined) fieldErrors[name] ??= issueInWords(issue.message)
  }
  const shownByField = (stream.error?.issues.length ?? 0) > 0 && Object.keys(fieldErrors).length > 0

  const chunks = stream.chunks as unknown[]
  const deltas = joinedDeltas(chunks)
  const hiddenChunks = Math.max(0, chunks.length - SHOWN_CHUNKS)

  return (
    <Card className="space-y-4" aria-labelledby={`${id}-title`} data-testid={id}>
      <CardHeading id={`${id}-title`} status={stream.status} statusTestId={`${id}-status`}>
        {entry.name}{' '}
        <code className="text-sm font-normal text-zinc-600 dark:text-zinc-400">
          {entry.methods.filter((m) => m !== 'DELETE').join('|')} {entry.path}
        </code>
      </CardHeading>
      <p className="text-sm text-zinc-700 dark:text-zinc-300">
        {entry.description.split('`').map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}
      </p>

      <div className="space-y-1">
        <SchemaView title="Input schema" schema={entry.schemas.input} testId={`${id}-schema-input`} />
        <SchemaView title="Chunk schema (each chunk frame)" schema={entry.schemas.chunk} testId={`${id}-schema-chunk`} />
        <SchemaView title="Final schema (the complete frame)" schema={entry.schemas.final} testId={`${id}-schema-final`} />
      </div>

      <form onSubmit={start} noValidate className="space-y-3" aria-label={`Run ${entry.name}`}>
        <SchemaFields
          fields={fields}
          values={values}
          onChange={(name, value) => setValues((v) => ({ ...v, [name]: value }))}
          idPrefix={id}
          disabled={streaming}
          errors={fieldErrors}
        />
        {entry.upload && (
          <label className="block text-sm">
            <span className="font-medium">Upload (optional)</span> — {entry.upload.description}; with a file the input travels in the query
            string
            <input
              className="mt-1 block w-full text-sm"
              type="file"
              accept={entry.upload.accept}
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              disabled={streaming}
              data-testid={`${id}-file`}
            />
          </label>
        )}
        <div className="flex flex-wrap gap-2">
          <Button type="submit" variant="primary" disabled={!hydrated || streaming} data-testid={`${id}-start`}>
            Run {entry.name}
          </Button>
          <Button disabled={!streaming} onClick={() => void stream.cancel()} data-testid={`${id}-cancel`}>
            Cancel
          </Button>
        </div>
      </form>

      <FieldError message={formError} testId={`${id}-form-error`} />
      {stream.error && <ErrorMessage error={stream.error} fieldsShown={shownByField} testId={`${id}-error`} />}

      {stream.status !== 'idle' && (
        <div className="space-y-3 text-sm">
          <FrameLog frames={stream.frames} testId={`${id}-frames`} />
          {deltas.length > 0 && (
            <div className="space-y-2 rounded bg-zinc-50 p-2 dark:bg-zinc-950" data-testid={`${id}-deltas`}>
              {deltas.map(({ kind, text }) => (
                <div key={kind}>
                  {kind && <h3 className="text-xs font-medium text-zinc-600 dark:text-zinc-400">{kind}</h3>}
                  <p className="whitespace-pre-wrap" data-testid={`${id}-${kind || 'text'}`}>
                    {text}
                  </p>
                </div>
              ))}
            </div>
          )}
          {chunks.length > 0 && (
            <div>
              <h3 className="font-medium">
                {chunks.length} chunk{chunks.length === 1 ? '' : 's'}
                {hiddenChunks > 0 ? ` (the last ${SHOWN_CHUNKS})` : ''}
              </h3>
              <ol className="max-h-56 overflow-auto font-mono text-xs" data-testid={`${id}-chunks`}>
                {chunks.slice(hiddenChunks).map((chunk, i) => (
                  <li key={hiddenChunks + i} className="break-all">
                    {JSON.stringify(chunk)}
                  </li>
                ))}
              </ol>
            </div>
          )}
          {stream.final !== undefined && (
            <div>
              <h3 className="font-medium">
                {stream.status === 'cancelled' ? `Cancelled (${stream.cancelReason}): the partial result` : 'Final value'}
              </h3>
              <pre
                className="overflow-x-auto rounded bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-950"
                data-testid={`${id}-final`}
                data-outcome={stream.status}
              >
                {JSON.stringify(stream.final, null, 2)}
              </pre>
            </div>
          )}
          {stream.status === 'cancelled' && stream.final === undefined && (
            <p data-testid={`${id}-final`} data-outcome="cancelled">
              Cancelled before the stream reported a result.
            </p>
          )}
        </div>
      )}

      <CurlCommand command={curlFor(entry, input, stream.streamId)} testId={`${id}-curl`} />
    </Card>
  )
}
