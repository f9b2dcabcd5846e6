'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import { apiFetch, toApiError, type ApiError } from '@/components/api/fetch'
import { Button, LinkButton } from '@/components/ui/button'
import { Card } from '@/components/ui/card'
import { ErrorMessage } from '@/components/ui/error-message'
import { formatBytes } from '@/components/ui/format'
import { Inspector } from '@/components/inspector/inspector'
import type { StreamSummary } from '@/components/durable/use-stream-list'
import { useDurableStream, type ViewPhase } from '@/components/durable/use-durable-stream'
import { useStreamInspector } from '@/components/inspector/use-stream-inspector'

const phaseStyle: Record<ViewPhase, string> = {
  connecting: 'bg-amber-100 text-amber-800 dark:bg-amber-900/50 dark:text-amber-200',
  live: 'bg-sky-100 text-sky-800 dark:bg-sky-900/50 dark:text-sky-200',
  closed: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200',
  gone: 'bg-zinc-300 text-zinc-800 dark:bg-zinc-700 dark:text-zinc-100',
  error: 'bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200',
}

function Fact({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div>
      <dt className="text-xs text-zinc-600 dark:text-zinc-400">{label}</dt>
      <dd className="break-all font-mono text-sm tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  )
}

/**
 * One stream, watched live: its offset, bytes and state, the text as it arrives (kept across
 * reloads), downloads, and delete. `info` is its metadata from `/api/durable/<id>`.
 */
export function StreamViewer({
  info,
  token,
  onDeleted,
  onClosed,
}: {
  info: StreamSummary
  token: string
  onDeleted: () => void
  onClosed: () => void
}) {
  const inspector = useStreamInspector()
  const { begin, chunk, end } = inspector
  const started = useRef(false)
  const onData = useCallback(
    (bytes: number) => {
      if (!started.current) {
        started.current = true
        begin()
      }
      chunk(bytes)
    },
    [begin, chunk],
  )
  const view = useDurableStream(info.id, info.contentType, onData)
  const [deleteError, setDeleteError] = useState<ApiError>()
  const content = useRef<HTMLPreElement>(null)

  useEffect(() => {
    if (view.phase !== 'closed') return
    if (started.current) end('done')
    onClosed()
  }, [view.phase, end, onClosed])

  useEffect(() => {
    const el = content.current
    if (el) el.scrollTop = el.scrollHeight
  }, [view.text])

  async function remove() {
    setDeleteError(undefined)
    try {
      await apiFetch(`/api/durable/${info.id}`, { method: 'DELETE', headers: token ? { Authorization: `Bearer ${token}` } : {} })
      onDeleted()
    } catch (error) {
      setDeleteError(toApiError(error))
    }
  }

  return (
    <section className="space-y-4" data-testid="viewer" data-stream-id={info.id}>
      <Card as="div">
        <div className="mb-3 flex flex-wrap items-center gap-2">
          <h2 className="break-all font-mono text-sm font-medium">{info.id}</h2>
          <span className={`rounded px-2 py-0.5 text-xs ${phaseStyle[view.phase]}`} data-testid="viewer-state">
            {view.phase}
          </span>
          {view.upToDate && view.phase === 'live' && (
            <span className="text-xs text-zinc-600 dark:text-zinc-400">up to date, waiting for more</span>
          )}
        </div>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          <Fact label="offset (resume point)" value={view.offset} testId="viewer-offset" />
          <Fact label="bytes received" value={formatBytes(view.bytes)} testId="viewer-bytes" />
          <Fact label="content type" value={info.contentType} testId="viewer-type" />
          <Fact label="batches received" value={String(view.events)} testId="viewer-events" />
        </dl>
        {view.resumedFrom && (
          <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400" data-testid="viewer-resumed">
            Resumed after a reload from saved offset <code>{view.resumedFrom}</code>.
          </p>
        )}
        {view.error && view.phase === 'error' && (
          <p className="mt-2 text-sm text-red-700 dark:text-red-300" role="alert" data-testid="viewer-error">
            {view.error} Reconnecting from the saved offset…
          </p>
        )}
        {view.phase === 'gone' && (
          <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400" data-testid="viewer-gone">
            This stream is gone (deleted or expired).
          </p>
        )}
        <div className="mt-3 flex flex-wrap gap-2 text-sm">
          <LinkButton href={`/v1/stream/${info.id}?download`} data-testid="viewer-download">
            Download
          </LinkButton>
          {info.compressedAtRest && (
            <LinkButton href={`/v1/stream/${info.id}?download=gzip`} data-testid="viewer-download-gz">
              Download .gz ({formatBytes(info.storedBytes)} stored)
            </LinkButton>
          )}
          <Button variant="danger" onClick={() => void remove()} data-testid="viewer-delete">
            Delete
          </Button>
        </div>
        {deleteError && (
          <div className="mt-2">
            <ErrorMessage error={deleteError} testId="viewer-delete-error" />
          </div>
        )}
      </Card>

      <Inspector state={inspector.state} />

      <Card as="div">
        <h3 className="mb-2 text-sm font-medium">
          Content
          {view.truncated && (
            <span className="font-normal text-zinc-600 dark:text-zinc-400"> (last {formatBytes(view.text.length)} shown)</span>
          )}
        </h3>
        <pre
          ref={content}
          tabIndex={0}
          aria-label="Stream content"
          className="max-h-96 overflow-auto whitespace-pre-wrap break-all font-mono text-xs"
          data-testid="viewer-content"
        >
          {view.text}
        </pre>
      </Card>
    </section>
  )
}
