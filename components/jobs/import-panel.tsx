'use client'

import { useEffect, useState } from 'react'
import { toApiError } from '@/components/api/fetch'
import { issueInWords } from '@/components/api/error-words'
import type { FieldLimits } from '@/components/api/schema-limits'
import { RecentImports } from '@/components/jobs/recent-imports'
import { useRecentImports } from '@/components/jobs/use-recent-imports'
import { FrameLog } from '@/components/typed/frame-log'
import { useTypedStream } from '@/components/typed/use-typed-stream'
import { Button } from '@/components/ui/button'
import { Card, CardHeading } from '@/components/ui/card'
import { ErrorMessage } from '@/components/ui/error-message'
import { NumberField } from '@/components/ui/field'
import { ProgressBar } from '@/components/ui/progress-bar'
import type { importJob } from '@/lib/jobs'

type NumberKey = 'rows' | 'invalidEvery' | 'batchSize' | 'delayMs'

/**
 * Runs the import job and shows its frames as they arrive. `limits`: the bounds of its number
 * inputs, from the job's own input schema; the server's refusal is shown by the field it concerns.
 */
export function ImportPanel({ limits }: { limits: Record<NumberKey, FieldLimits> }) {
  const job = useTypedStream<typeof importJob>('/api/jobs/import')
  const [source, setSource] = useState<'generated' | 'upload'>('generated')
  const [file, setFile] = useState<File | null>(null)
  const [values, setValues] = useState({ rows: '2000', invalidEvery: '25', batchSize: '100', delayMs: '200' })
  const [total, setTotal] = useState<{ rows?: number; bytes?: number }>({})
  const recent = useRecentImports()
  const { refresh } = recent
  // The list follows this page's import: listed once its first batch is committed, its outcome once it has ended.
  const phase = job.status === 'streaming' ? (job.chunks.length > 0 ? 'committing' : 'starting') : job.status
  useEffect(() => {
    if (phase !== 'idle' && phase !== 'starting') void refresh()
  }, [phase, refresh])

  const last = job.chunks.at(-1)
  const rejections = job.chunks.flatMap((chunk) => chunk.rejections).slice(-12)
  const streaming = job.status === 'streaming'

  function start(event: React.FormEvent) {
    event.preventDefault()
    // No checks here on purpose: the server's schema is the one that decides (and its 400 shows).
    const batchSize = Number(values.batchSize)
    const delayMs = Number(values.delayMs)
    if (source === 'upload') {
      if (!file) return
      setTotal({ bytes: file.size })
      void job.start({ source, batchSize, delayMs }, { body: file })
    } else {
      const rows = Number(values.rows)
      setTotal({ rows: rows > 0 ? rows : undefined })
      void job.start({ source, rows, invalidEvery: Number(values.invalidEvery), batchSize, delayMs })
    }
  }

  const error = job.error && toApiError(job.error)
  const fieldError = (key: NumberKey) => {
    const message = error?.field(key)
    return message && issueInWords(message)
  }
  /** A number input bounded by the schema, its error beside it. */
  const numberField = (key: NumberKey, label: string, testId: string) => (
    <NumberField
      label={label}
      limits={limits[key]}
      value={values[key]}
      onChange={(value) => setValues((v) => ({ ...v, [key]: value }))}
      error={fieldError(key)}
      testId={testId}
      className="w-28"
    />
  )

  return (
    <Card className="space-y-4" aria-labelledby="import-title">
      <CardHeading id="import-title" status={job.status} statusTestId="import-status">
        Import a CSV
      </CardHeading>
      <form onSubmit={start} noValidate className="flex flex-wrap items-start gap-3 text-sm">
        <fieldset className="flex basis-full flex-wrap gap-3">
          <legend className="sr-only">Source</legend>
          {(['generated', 'upload'] as const).map((option) => (
            <label key={option} className="flex items-center gap-1">
              <input
                type="radio"
                name="source"
                value={option}
                checked={source === option}
                onChange={() => setSource(option)}
                data-testid={`import-source-${option}`}
              />
              {option === 'generated' ? 'Generated on the server' : 'Upload a file'}
            </label>
          ))}
        </fieldset>
        {source === 'generated' ? (
          <>
            {numberField('rows', 'Rows', 'import-rows')}
            {numberField('invalidEvery', 'Break every n-th row (0: none)', 'import-invalid-every')}
          </>
        ) : (
          <label className="flex max-w-full flex-col text-xs font-medium text-zinc-700 dark:text-zinc-300">
            CSV file (columns name, email, amount)
            <input
              type="file"
              accept=".csv,text/csv"
              className="max-w-full text-sm font-normal"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              data-testid="import-file"
            />
          </label>
        )}
        {numberField('batchSize', 'Batch size', 'import-batch-size')}
        {numberField('delayMs', 'Pause per batch (ms)', 'import-delay')}
        <div className="flex gap-3 self-end">
          <Button type="submit" variant="primary" disabled={streaming || (source === 'upload' && !file)} data-testid="import-start">
            Start import
          </Button>
          <Button disabled={!streaming} onClick={() => void job.cancel()} data-testid="import-cancel">
            Cancel
          </Button>
        </div>
      </form>

      {error && <ErrorMessage error={error} fieldsShown={error.issues.length > 0} testId="import-error" />}

      {job.status !== 'idle' && (
        <div className="space-y-3">
          <ProgressBar
            label={total.bytes !== undefined ? 'Bytes read' : 'Rows processed'}
            value={(total.bytes !== undefined ? last?.bytes : last?.processed) ?? 0}
            max={total.bytes ?? total.rows}
            testId="import-progress"
          />
          {last && (
            <p className="text-sm" data-testid="import-counts">
              {last.processed.toLocaleString('en')} rows processed · {last.inserted.toLocaleString('en')} inserted ·{' '}
              {last.rejected.toLocaleString('en')} rejected · batch {last.batches}
            </p>
          )}
          <FrameLog frames={job.frames} testId="import-frames" />
          {job.reconnects > 0 && (
            <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="import-reconnects">
              The server ended the response at its lifetime {job.reconnects} time(s) while the import ran on; each time this page resumed
              the same run from the next frame (<code>Last-Event-ID: &lt;streamId&gt;:&lt;frame&gt;</code>).
            </p>
          )}
        </div>
      )}

      {job.final && (
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4" data-testid="import-result" data-outcome={job.status}>
          <dt className="text-zinc-600 dark:text-zinc-400">Outcome</dt>
          <dd>{job.status === 'cancelled' ? `cancelled (${job.cancelReason})` : 'complete'}</dd>
          <dt className="text-zinc-600 dark:text-zinc-400">Job</dt>
          <dd className="truncate font-mono text-xs" data-testid="import-job-id">
            {job.final.jobId}
          </dd>
          <dt className="text-zinc-600 dark:text-zinc-400">Inserted (committed)</dt>
          <dd data-testid="import-inserted">{job.final.inserted}</dd>
          <dt className="text-zinc-600 dark:text-zinc-400">Rejected</dt>
          <dd data-testid="import-rejected">{job.final.rejected}</dd>
          <dt className="text-zinc-600 dark:text-zinc-400">Processed up to line</dt>
          <dd>{job.final.lastLine}</dd>
          <dt className="text-zinc-600 dark:text-zinc-400">Time</dt>
          <dd>{job.final.ms} ms</dd>
        </dl>
      )}
      {job.status === 'cancelled' && !job.final && (
        <p className="text-sm" data-testid="import-result" data-outcome="cancelled">
          Cancelled before the job reported a result.
        </p>
      )}

      {rejections.length > 0 && (
        <div className="text-sm">
          <h3 className="font-medium">Rejected rows (latest)</h3>
          <ul className="mt-1 space-y-0.5 font-mono text-xs" data-testid="import-rejections">
            {rejections.map((r) => (
              <li key={r.line}>
                line {r.line}: {r.reason}
              </li>
            ))}
          </ul>
        </div>
      )}

      <RecentImports list={recent.list} error={recent.error} onRetry={() => void refresh()} />
    </Card>
  )
}
