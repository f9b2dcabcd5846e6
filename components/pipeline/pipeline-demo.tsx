'use client'

import { useState } from 'react'
import type { ApiError } from '@/components/api/fetch'
import { issueInWords } from '@/components/api/error-words'
import type { FieldLimits } from '@/components/api/schema-limits'
import { Inspector } from '@/components/inspector/inspector'
import { useInspectedFetch } from '@/components/inspector/use-inspected-fetch'
import { Button } from '@/components/ui/button'
import { Card } from '@/components/ui/card'
import { EmptyState } from '@/components/ui/empty-state'
import { FileDrop } from '@/components/ui/file-drop'
import { ErrorMessage } from '@/components/ui/error-message'
import { controlClass, FieldError, TextArea } from '@/components/ui/field'
import { formatBytes } from '@/components/ui/format'
import { useHydrated } from '@/components/ui/use-hydrated'
import type { EnrichedLine, PipelineSummary } from '@/lib/pipeline'
import { readLines } from '@/lib/stream/client'

type Record_ = EnrichedLine | PipelineSummary | { type: 'error'; error: { code: string; message: string } }

const SHOWN = 200

/** Builds a text of about `mb` megabytes in the browser, line by line, without a server round trip. */
function generateText(mb: number): Blob {
  const words = ['stream', 'backpressure', 'chunk', 'reader', 'pipe', 'sluice', 'flow', 'buffer', 'byte', 'event']
  const parts: string[] = []
  let size = 0
  let n = 0
  while (size < mb * 1024 * 1024) {
    n++
    const line = `${n}: ${Array.from({ length: 8 }, (_, i) => words[(n * 7 + i * 3) % words.length]).join(' ')}\n`
    parts.push(line)
    size += line.length
  }
  return new Blob(parts, { type: 'text/plain' })
}

/** `?rate=` when slow motion is on: slow enough to watch records arrive and to stop half-way. */
const SLOW_MOTION_BYTES_PER_SECOND = 16 * 1024

/**
 * Sends a text body to `/api/pipeline` and reads the NDJSON result as it streams back; the
 * inspector counts one entry per record. `limits`: the filter's bound from the route's own schema.
 */
export function PipelineDemo({ limits }: { limits: Record<'filter', FieldLimits> }) {
  const [text, setText] = useState('first line\nsecond line with a stream\nthird line\n')
  const [file, setFile] = useState<Blob | null>(null)
  const [fileLabel, setFileLabel] = useState('')
  const [filter, setFilter] = useState('')
  const [upper, setUpper] = useState(false)
  const [slow, setSlow] = useState(false)
  const [lines, setLines] = useState<EnrichedLine[]>([])
  const [kept, setKept] = useState(0)
  const [summary, setSummary] = useState<PipelineSummary | null>(null)
  const [firstAt, setFirstAt] = useState<number | null>(null)
  const [error, setError] = useState<ApiError>()
  const hydrated = useHydrated()
  const request = useInspectedFetch()

  async function run() {
    setLines([])
    setKept(0)
    setSummary(null)
    setFirstAt(null)
    setError(undefined)
    const body = file ?? new Blob([text], { type: 'text/plain' })
    const params = new URLSearchParams({ filter, upper: upper ? '1' : '0' })
    // Slow motion: the server sends the records at 16 KB/s, so they trickle in and Stop can be watched.
    if (slow) params.set('rate', String(SLOW_MOTION_BYTES_PER_SECOND))
    const failure = await request.run(
      `/api/pipeline?${params}`,
      { method: 'POST', body, headers: { 'Content-Type': 'text/plain; charset=utf-8' } },
      async (res, { signal, mark }) => {
        let carried: { code: string; message: string } | undefined
        for await (const line of readLines(res, { signal })) {
          mark(line.length + 1)
          const record = JSON.parse(line) as Record_
          if (record.type === 'line') {
            setFirstAt((f) => f ?? record.bytesIn)
            setKept((k) => k + 1)
            setLines((l) => (l.length < SHOWN ? [...l, record] : l))
          } else if (record.type === 'summary') setSummary(record)
          else carried = record.error
        }
        return carried
      },
      { unit: 'record' },
    )
    setError(failure)
  }

  const filterError = error?.field('filter')

  return (
    <div className="space-y-4">
      <fieldset disabled={!hydrated} className="m-0 grid min-w-0 gap-3 border-0 p-0 sm:grid-cols-2">
        <label className="text-sm">
          <span className="block text-xs font-medium text-zinc-700 dark:text-zinc-300">text to transform</span>
          <TextArea
            value={text}
            onChange={(e) => {
              setText(e.target.value)
              setFile(null)
              setFileLabel('')
            }}
            rows={5}
            className="w-full p-2 font-mono text-xs"
            data-testid="pipeline-text"
          />
        </label>
        <div className="space-y-2 text-sm">
          <FileDrop
            label="A text file to transform"
            accept="text/*,.txt,.csv,.log,.ndjson"
            testId="pipeline-dropzone"
            inputTestId="pipeline-file"
            onFiles={([f]) => {
              setFile(f ?? null)
              setFileLabel(f ? `${f.name} (${formatBytes(f.size)})` : '')
            }}
          />
          <Button
            size="sm"
            data-testid="pipeline-generate"
            onClick={() => {
              const blob = generateText(20)
              setFile(blob)
              setFileLabel(`generated text (${formatBytes(blob.size)})`)
            }}
          >
            Generate 20 MB of text
          </Button>
          <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="pipeline-source">
            sending: {fileLabel || `the text above (${formatBytes(new Blob([text]).size)})`}
          </p>
          <div className="flex flex-wrap items-center gap-3">
            <label className="min-w-0">
              <span className="sr-only">Keep only lines containing</span>
              <input
                placeholder="keep lines containing…"
                value={filter}
                maxLength={limits.filter.maxLength}
                aria-invalid={filterError ? true : undefined}
                onChange={(e) => setFilter(e.target.value)}
                className={controlClass}
                data-testid="pipeline-filter"
              />
            </label>
            <label className="flex items-center gap-1">
              <input type="checkbox" checked={upper} onChange={(e) => setUpper(e.target.checked)} /> upper-case
            </label>
            <label className="flex items-center gap-1">
              <input type="checkbox" checked={slow} onChange={(e) => setSlow(e.target.checked)} data-testid="pipeline-slow" /> slow motion
              (records sent at {formatBytes(SLOW_MOTION_BYTES_PER_SECOND)}/s)
            </label>
          </div>
          <FieldError message={filterError && issueInWords(filterError)} />
          <div className="flex gap-2">
            <Button variant="primary" disabled={request.running} onClick={() => void run()} data-testid="pipeline-run">
              Transform
            </Button>
            <Button disabled={!request.running} onClick={request.stop}>
              Stop
            </Button>
          </div>
        </div>
      </fieldset>

      {error && <ErrorMessage error={error} fieldsShown={error.issues.length > 0} testId="pipeline-error" />}

      <Inspector state={request.state} />

      <Card className="text-sm">
        <h2 className="mb-2 font-medium">
          Result: <span data-testid="pipeline-kept">{kept}</span> line(s) kept
          {summary && (
            <span className="ml-2 font-normal text-zinc-600 dark:text-zinc-400" data-testid="pipeline-summary">
              of {summary.linesIn} read, {summary.words} words, {formatBytes(summary.bytesIn)} in
            </span>
          )}
        </h2>
        {summary && firstAt !== null && (
          <p className="mb-2 text-xs text-zinc-600 dark:text-zinc-400">
            The server produced the first record after reading{' '}
            <span data-testid="pipeline-first-at" data-value={firstAt}>
              {formatBytes(firstAt)}
            </span>{' '}
            of {formatBytes(summary.bytesIn)}. A browser reads the response only once it has sent the whole body, so here the records wait
            in the server&apos;s spool (memory, then a temporary file) until then; <code>curl</code> reads them at once.
          </p>
        )}
        {summary && kept === 0 && (
          <EmptyState testId="pipeline-empty">
            No line contains “{filter}”: nothing was kept of the {summary.linesIn} read.
          </EmptyState>
        )}
        <ol className="max-h-72 overflow-y-auto font-mono text-xs" data-testid="pipeline-lines" tabIndex={0} aria-label="Lines kept">
          {lines.map((l) => (
            <li key={l.n}>
              <span className="text-zinc-600 dark:text-zinc-400">{l.n}</span> {l.text}{' '}
              <span className="text-zinc-600 dark:text-zinc-400">({l.words} words)</span>
            </li>
          ))}
        </ol>
        {kept > SHOWN && <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">showing the first {SHOWN}</p>}
      </Card>
    </div>
  )
}
