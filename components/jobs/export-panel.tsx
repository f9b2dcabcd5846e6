'use client'

import { useEffect, useMemo, useState } from 'react'
import { apiJson, toApiError, type ApiError } from '@/components/api/fetch'
import { issueInWords } from '@/components/api/error-words'
import type { FieldLimits } from '@/components/api/schema-limits'
import { Inspector } from '@/components/inspector/inspector'
import { useStreamInspector } from '@/components/inspector/use-stream-inspector'
import { useDurableExport } from '@/components/jobs/use-durable-export'
import { useExportReader } from '@/components/jobs/use-export-reader'
import { Button, LinkButton } from '@/components/ui/button'
import { Card, CardHeading } from '@/components/ui/card'
import { ErrorMessage } from '@/components/ui/error-message'
import { Field, NumberField, Select } from '@/components/ui/field'
import { formatBytes } from '@/components/ui/format'
import { ProgressBar } from '@/components/ui/progress-bar'
import { StatusBadge } from '@/components/ui/status-badge'

/** `?rate=` when slow motion is on (64 KB a second, in the app's units: 1 KB = 1024 bytes). */
const SLOW_MOTION_BYTES_PER_SECOND = 64 * 1024

/**
 * The export table: seed it, download it, or stream it into the page with pause and cancel.
 * `limits`: the bounds of the table size, from the route's own schema.
 */
export function ExportPanel({ limits }: { limits: Record<'rows', FieldLimits> }) {
  const inspector = useStreamInspector()
  const { begin, chunk, end, reset } = inspector
  const reader = useExportReader(useMemo(() => ({ begin, chunk, end, reset }), [begin, chunk, end, reset]))
  const durable = useDurableExport()
  const [tableRows, setTableRows] = useState<number | undefined>()
  const [tableError, setTableError] = useState<ApiError>()
  const [seedRows, setSeedRows] = useState('100000')
  const [seeding, setSeeding] = useState(false)
  const [seedError, setSeedError] = useState<ApiError | undefined>()
  const [format, setFormat] = useState<'csv' | 'ndjson'>('csv')
  const [gzip, setGzip] = useState(false)
  const [slow, setSlow] = useState(false)

  useEffect(() => {
    let live = true
    apiJson<{ rows: number }>('/api/jobs/export/table').then(
      (table) => live && setTableRows(table.rows),
      (error: unknown) => live && setTableError(toApiError(error)),
    )
    return () => {
      live = false
    }
  }, [])

  async function seed(event: React.FormEvent) {
    event.preventDefault()
    setSeeding(true)
    setSeedError(undefined)
    try {
      const table = await apiJson<{ rows: number }>('/api/jobs/export/table', { method: 'POST', json: { rows: Number(seedRows) } })
      setTableRows(table.rows)
      setTableError(undefined)
    } catch (error) {
      setSeedError(toApiError(error))
    } finally {
      setSeeding(false)
    }
  }

  // Slow motion: the server sends 64 KB/s, so pause, resume and cancel can be watched.
  const url = `/api/jobs/export?format=${format}${gzip ? '&gzip=1' : ''}${slow ? `&rate=${SLOW_MOTION_BYTES_PER_SECOND}` : ''}`
  const busy = reader.status === 'streaming' || reader.status === 'paused'

  return (
    <Card className="space-y-4" aria-labelledby="export-title">
      <CardHeading id="export-title" status={reader.status} statusTestId="export-status">
        Export a table
      </CardHeading>

      <form onSubmit={seed} noValidate className="flex flex-wrap items-start gap-3 text-sm">
        <p className="basis-full">
          The table holds <strong data-testid="export-table-rows">{tableRows === undefined ? '…' : tableRows.toLocaleString('en')}</strong>{' '}
          rows. Fill it with generated rows here, or with a million from the command line: <code>npm run seed:export</code>.
        </p>
        <NumberField
          label="Rows"
          limits={limits.rows}
          value={seedRows}
          onChange={setSeedRows}
          error={seedError?.field('rows') && issueInWords(seedError.field('rows')!)}
          hint={limits.rows.max !== undefined ? `up to ${limits.rows.max.toLocaleString('en')}` : undefined}
          testId="export-seed-rows"
          className="w-32"
        />
        <Button type="submit" className="mt-4" disabled={seeding || busy} data-testid="export-seed">
          {seeding ? 'Seeding…' : 'Replace the table'}
        </Button>
      </form>
      {tableError && <ErrorMessage error={tableError} testId="export-table-error" />}
      {seedError && <ErrorMessage error={seedError} fieldsShown={seedError.issues.length > 0} testId="export-seed-error" />}

      <div className="flex flex-wrap items-end gap-3 text-sm">
        <Field label="Format">
          {(control) => (
            <Select
              {...control}
              className="block w-32"
              value={format}
              onChange={(e) => setFormat(e.target.value as 'csv' | 'ndjson')}
              data-testid="export-format"
            >
              <option value="csv">CSV</option>
              <option value="ndjson">NDJSON</option>
            </Select>
          )}
        </Field>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={gzip} onChange={(e) => setGzip(e.target.checked)} data-testid="export-gzip" /> gzip
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={slow} onChange={(e) => setSlow(e.target.checked)} data-testid="export-slow" /> slow motion (
          {formatBytes(SLOW_MOTION_BYTES_PER_SECOND)}/s)
        </label>
        <LinkButton href={url} download data-testid="export-download">
          Download
        </LinkButton>
        <Button variant="primary" disabled={busy} onClick={() => void reader.start(url, { format, gzip })} data-testid="export-start">
          Stream into the page
        </Button>
        <Button onClick={() => reader.setPaused(!reader.paused)} aria-pressed={reader.paused} data-testid="export-pause">
          {reader.paused ? 'Resume reading' : 'Pause reading'}
        </Button>
        <Button disabled={!busy} onClick={reader.cancel} data-testid="export-cancel">
          Cancel
        </Button>
      </div>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        Paused, the page stops reading: the browser stops taking bytes, and the server&apos;s database cursor waits (backpressure). Paused
        before starting, it stops after the first chunk.
      </p>

      {reader.error && <ErrorMessage error={reader.error} testId="export-error" />}

      {reader.status !== 'idle' && (
        <div className="space-y-2">
          <ProgressBar label="Rows received" value={reader.rows} max={reader.total} testId="export-progress" />
          <p className="text-sm" data-testid="export-counts">
            {reader.chunks.toLocaleString('en')} chunks · {formatBytes(reader.bytes)} received{gzip ? ' (compressed)' : ''}
          </p>
          {reader.preview && (
            <pre className="max-h-40 overflow-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-950" data-testid="export-preview">
              {reader.preview}
            </pre>
          )}
        </div>
      )}
      {reader.status !== 'idle' && <Inspector state={inspector.state} />}
      {reader.status === 'complete' && (
        <p className="text-sm" data-testid="export-result" data-outcome="complete">
          {reader.rows.toLocaleString('en')} rows in {reader.ms} ms
          {reader.ms ? ` (${Math.round((reader.rows / reader.ms) * 1000).toLocaleString('en')} rows/s in this tab)` : ''}.
        </p>
      )}
      {reader.status === 'cancelled' && (
        <p className="text-sm" data-testid="export-result" data-outcome="cancelled">
          Cancelled after {reader.rows.toLocaleString('en')} rows: the request was aborted and the server closed its cursor.
        </p>
      )}

      <div className="space-y-2 border-t border-zinc-200 pt-4 dark:border-zinc-800">
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <Button
            variant="primary"
            disabled={durable.status === 'starting' || durable.status === 'writing'}
            onClick={() => void durable.start({ format, gzip })}
            data-testid="export-durable-start"
          >
            Export in the background
          </Button>
          <StatusBadge status={durable.status} testId="export-durable-status" />
        </div>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          The route answers at once with the URL of a durable stream and writes the rows after the response (<code>after()</code>). The URL
          works while it is being written and afterwards: open it, share it, or read it with any Durable Streams client. The page tails it
          live.
        </p>
        {durable.url && (
          <p className="text-sm">
            <a
              className="break-all text-sky-700 underline dark:text-sky-400"
              href={`${durable.url}?download`}
              data-testid="export-durable-url"
            >
              {durable.url}
            </a>
          </p>
        )}
        {durable.url && (
          <ProgressBar label="Rows in the durable stream" value={durable.rows} max={durable.total} testId="export-durable-progress" />
        )}
        {durable.error && <ErrorMessage error={durable.error} testId="export-durable-error" />}
      </div>
    </Card>
  )
}
