'use client'

import { useRef, useState } from 'react'
import { formatBytes } from '@/components/ui/format'
import { Inspector } from '@/components/inspector/inspector'
import { useHydrated } from '@/components/ui/use-hydrated'
import { useStreamInspector } from '@/components/inspector/use-stream-inspector'
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

/** Sends a text body to `/api/transform` and reads the NDJSON result as it streams back. */
export function PipelineDemo() {
  const [text, setText] = useState('first line\nsecond line with a stream\nthird line\n')
  const [file, setFile] = useState<Blob | null>(null)
  const [fileLabel, setFileLabel] = useState('')
  const [filter, setFilter] = useState('')
  const [upper, setUpper] = useState(false)
  const [lines, setLines] = useState<EnrichedLine[]>([])
  const [kept, setKept] = useState(0)
  const [summary, setSummary] = useState<PipelineSummary | null>(null)
  const [firstAt, setFirstAt] = useState<number | null>(null)
  const hydrated = useHydrated()
  const inspector = useStreamInspector()
  const abort = useRef<AbortController | null>(null)
  const running = inspector.state.phase === 'connecting' || inspector.state.phase === 'streaming'

  async function run() {
    const controller = new AbortController()
    abort.current = controller
    setLines([])
    setKept(0)
    setSummary(null)
    setFirstAt(null)
    inspector.begin()
    try {
      const body = file ?? new Blob([text], { type: 'text/plain' })
      const params = new URLSearchParams({ filter, upper: upper ? '1' : '0' })
      const res = await fetch(`/api/transform?${params}`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        signal: controller.signal,
      })
      if (!res.ok) {
        const err = (await res.json().catch(() => null)) as { error?: { message?: string } } | null
        throw new Error(err?.error?.message ?? `HTTP ${res.status}`)
      }
      let failure: string | undefined
      for await (const line of readLines(res, { signal: controller.signal })) {
        inspector.chunk(line.length + 1)
        const record = JSON.parse(line) as Record_
        if (record.type === 'line') {
          setFirstAt((f) => f ?? record.bytesIn)
          setKept((k) => k + 1)
          setLines((l) => (l.length < SHOWN ? [...l, record] : l))
        } else if (record.type === 'summary') setSummary(record)
        else failure = record.error.message
      }
      if (failure) inspector.end('error', failure)
      else inspector.end(controller.signal.aborted ? 'stopped' : 'done')
    } catch (error) {
      if (controller.signal.aborted) inspector.end('stopped')
      else inspector.end('error', error instanceof Error ? error.message : String(error))
    }
  }

  return (
    <div className="space-y-4">
      <fieldset disabled={!hydrated} className="m-0 grid min-w-0 gap-3 border-0 p-0 sm:grid-cols-2">
        <label className="text-sm">
          <span className="block text-xs text-zinc-600 dark:text-zinc-400">text to transform</span>
          <textarea
            value={text}
            onChange={(e) => {
              setText(e.target.value)
              setFile(null)
              setFileLabel('')
            }}
            rows={5}
            className="w-full rounded border border-zinc-300 bg-white p-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900"
            data-testid="pipeline-text"
          />
        </label>
        <div className="space-y-2 text-sm">
          <label className="block">
            <span className="block text-xs text-zinc-600 dark:text-zinc-400">or a text file</span>
            <input
              type="file"
              accept="text/*,.txt,.csv,.log,.ndjson"
              data-testid="pipeline-file"
              onChange={(e) => {
                const f = e.target.files?.[0]
                setFile(f ?? null)
                setFileLabel(f ? `${f.name} (${formatBytes(f.size)})` : '')
              }}
            />
          </label>
          <button
            type="button"
            className="rounded border border-zinc-300 px-3 py-1 dark:border-zinc-700"
            data-testid="pipeline-generate"
            onClick={() => {
              const blob = generateText(20)
              setFile(blob)
              setFileLabel(`generated text (${formatBytes(blob.size)})`)
            }}
          >
            Generate 20 MB of text
          </button>
          <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="pipeline-source">
            sending: {fileLabel || `the text above (${formatBytes(new Blob([text]).size)})`}
          </p>
          <div className="flex items-center gap-3">
            <input
              placeholder="keep lines containing…"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              className="rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
              data-testid="pipeline-filter"
            />
            <label className="flex items-center gap-1">
              <input type="checkbox" checked={upper} onChange={(e) => setUpper(e.target.checked)} /> upper-case
            </label>
          </div>
          <div className="flex gap-2">
            <button
              type="button"
              disabled={running}
              onClick={() => void run()}
              className="rounded bg-sky-700 px-4 py-1.5 font-medium text-white disabled:opacity-50"
              data-testid="pipeline-run"
            >
              Transform
            </button>
            <button
              type="button"
              disabled={!running}
              onClick={() => abort.current?.abort()}
              className="rounded border border-zinc-300 px-4 py-1.5 disabled:opacity-50 dark:border-zinc-700"
            >
              Stop
            </button>
          </div>
        </div>
      </fieldset>

      <Inspector state={inspector.state} />

      <section className="rounded-lg border border-zinc-200 bg-white p-4 text-sm dark:border-zinc-800 dark:bg-zinc-900">
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
            of {formatBytes(summary.bytesIn)}. A browser reads the response only once it has sent the whole body, so here the
            records wait in the server&apos;s spool (memory, then a temporary file) until then; <code>curl</code> reads them at once.
          </p>
        )}
        <ol className="max-h-72 overflow-y-auto font-mono text-xs" data-testid="pipeline-lines">
          {lines.map((l) => (
            <li key={l.n}>
              <span className="text-zinc-600 dark:text-zinc-400">{l.n}</span> {l.text} <span className="text-zinc-600 dark:text-zinc-400">({l.words} words)</span>
            </li>
          ))}
        </ol>
        {kept > SHOWN && <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">showing the first {SHOWN}</p>}
      </section>
    </div>
  )
}
