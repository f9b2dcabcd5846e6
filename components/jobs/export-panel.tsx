'use client'

import { useEffect, useMemo, useState } from 'react'
import { Inspector } from '@/components/inspector/inspector'
import { ErrorMessage } from '@/components/ui/error-message'
import { ProgressBar } from '@/components/ui/progress-bar'
import { StatusBadge } from '@/components/ui/status-badge'
import { useDurableExport } from '@/components/jobs/use-durable-export'
import { useExportReader } from '@/components/jobs/use-export-reader'
import { useStreamInspector } from '@/components/inspector/use-stream-inspector'

const field = 'w-32 rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900'
const button = 'rounded px-3 py-1.5 text-sm font-medium disabled:opacity-40'

type AppErrorBody = { code: string; message: string; details?: unknown }

/** The export table: seed it, download it, or stream it into the page with pause and cancel. */
export function ExportPanel() {
  const inspector = useStreamInspector()
  const { begin, chunk, end } = inspector
  const reader = useExportReader(useMemo(() => ({ begin, chunk, end }), [begin, chunk, end]))
  const durable = useDurableExport()
  const [tableRows, setTableRows] = useState<number | undefined>()
  const [seedRows, setSeedRows] = useState('100000')
  const [seeding, setSeeding] = useState(false)
  const [seedError, setSeedError] = useState<AppErrorBody | undefined>()
  const [format, setFormat] = useState<'csv' | 'ndjson'>('csv')
  const [gzip, setGzip] = useState(false)

  useEffect(() => {
    let live = true
    void fetch('/api/jobs/export/table')
      .then((response) => (response.ok ? (response.json() as Promise<{ rows: number }>) : undefined))
      .then((table) => {
        if (live && table) setTableRows(table.rows)
      })
    return () => {
      live = false
    }
  }, [])

  async function seed(event: React.FormEvent) {
    event.preventDefault()
    setSeeding(true)
    setSeedError(undefined)
    try {
      const response = await fetch('/api/jobs/export/table', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rows: Number(seedRows) }),
      })
      if (response.ok) setTableRows(((await response.json()) as { rows: number }).rows)
      else setSeedError(((await response.json()) as { error: AppErrorBody }).error)
    } finally {
      setSeeding(false)
    }
  }

  const url = `/api/jobs/export?format=${format}${gzip ? '&gzip=1' : ''}`
  const busy = reader.status === 'streaming' || reader.status === 'paused'

  return (
    <section className="space-y-4 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900" aria-labelledby="export-title">
      <div className="flex items-center justify-between gap-2">
        <h2 id="export-title" className="text-lg font-semibold">
          Export a table
        </h2>
        <StatusBadge status={reader.status} testId="export-status" />
      </div>

      <form onSubmit={seed} noValidate className="flex flex-wrap items-end gap-3 text-sm">
        <p className="basis-full">
          The table holds <strong data-testid="export-table-rows">{tableRows === undefined ? '…' : tableRows.toLocaleString('en')}</strong> rows.
          Fill it with generated rows here, or with a million from the command line: <code>npm run seed:export</code>.
        </p>
        <label className="flex flex-col">
          Rows
          <input className={field} inputMode="numeric" value={seedRows} onChange={(e) => setSeedRows(e.target.value)} data-testid="export-seed-rows" />
        </label>
        <button type="submit" className={`${button} border border-zinc-300 dark:border-zinc-700`} disabled={seeding || busy} data-testid="export-seed">
          {seeding ? 'Seeding…' : 'Replace the table'}
        </button>
      </form>
      {seedError && <ErrorMessage error={seedError} testId="export-seed-error" />}

      <div className="flex flex-wrap items-end gap-3 text-sm">
        <label className="flex flex-col">
          Format
          <select className={field} value={format} onChange={(e) => setFormat(e.target.value as 'csv' | 'ndjson')} data-testid="export-format">
            <option value="csv">CSV</option>
            <option value="ndjson">NDJSON</option>
          </select>
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={gzip} onChange={(e) => setGzip(e.target.checked)} data-testid="export-gzip" /> gzip
        </label>
        <a href={url} download className={`${button} bg-zinc-800 text-white dark:bg-zinc-200 dark:text-zinc-900`} data-testid="export-download">
          Download
        </a>
        <button type="button" className={`${button} bg-sky-700 text-white`} disabled={busy} onClick={() => void reader.start(url, { format, gzip })} data-testid="export-start">
          Stream into the page
        </button>
        <button
          type="button"
          className={`${button} border border-zinc-300 dark:border-zinc-700`}
          onClick={() => reader.setPaused(!reader.paused)}
          aria-pressed={reader.paused}
          data-testid="export-pause"
        >
          {reader.paused ? 'Resume reading' : 'Pause reading'}
        </button>
        <button type="button" className={`${button} border border-zinc-300 dark:border-zinc-700`} disabled={!busy} onClick={reader.cancel} data-testid="export-cancel">
          Cancel
        </button>
      </div>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        Paused, the page stops reading: the browser stops taking bytes, and the server&apos;s database cursor waits (backpressure).
        Paused before starting, it stops after the first chunk.
      </p>

      {reader.error && <ErrorMessage error={reader.error} testId="export-error" />}

      {reader.status !== 'idle' && (
        <div className="space-y-2">
          <ProgressBar label="Rows received" value={reader.rows} max={reader.total} testId="export-progress" />
          <p className="text-sm" data-testid="export-counts">
            {reader.chunks.toLocaleString('en')} chunks · {(reader.bytes / 1024).toFixed(0)} KiB received{gzip ? ' (compressed)' : ''}
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
          <button
            type="button"
            className={`${button} bg-sky-700 text-white`}
            disabled={durable.status === 'starting' || durable.status === 'writing'}
            onClick={() => void durable.start({ format, gzip })}
            data-testid="export-durable-start"
          >
            Export in the background
          </button>
          <StatusBadge status={durable.status} testId="export-durable-status" />
        </div>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          The route answers at once with the URL of a durable stream and writes the rows after the response
          (<code>after()</code>). The URL works while it is being written and afterwards: open it, share it, or read it with
          any Durable Streams client. The page tails it live.
        </p>
        {durable.url && (
          <p className="text-sm">
            <a className="break-all text-sky-700 underline dark:text-sky-400" href={`${durable.url}?download`} data-testid="export-durable-url">
              {durable.url}
            </a>
          </p>
        )}
        {durable.url && <ProgressBar label="Rows in the durable stream" value={durable.rows} max={durable.total} testId="export-durable-progress" />}
        {durable.error && <ErrorMessage error={durable.error} testId="export-durable-error" />}
      </div>
    </section>
  )
}
