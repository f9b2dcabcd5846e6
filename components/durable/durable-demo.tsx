'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import { apiJson, toApiError, type ApiError } from '@/components/api/fetch'
import { Button } from '@/components/ui/button'
import { CurlCommand } from '@/components/ui/curl-command'
import { ErrorMessage } from '@/components/ui/error-message'
import { Field, Input } from '@/components/ui/field'
import { SSE_HINTS } from '@/components/ui/sse-hints'
import { StreamAppend } from '@/components/durable/stream-append'
import { StreamCreateForm } from '@/components/durable/stream-create-form'
import { StreamList } from '@/components/durable/stream-list'
import { StreamViewer } from '@/components/durable/stream-viewer'
import { useStreamInfo, useStreamList, type ListFilter } from '@/components/durable/use-stream-list'

/** Why the write box is not there, or `undefined` when it is. */
function readOnlyReason(info: { yours: boolean; closed: boolean; namespace: string }): string | undefined {
  if (/^audit(\/|$)/.test(info.namespace)) return 'An audit record: read-only, for the operator.'
  if (!info.yours) return 'Read-only here: this stream is not yours (another visitor’s, or made by a script with the streams token).'
  if (info.closed) return 'Closed: it takes no more writes.'
  return undefined
}

/** The selected stream: its metadata (refreshed once it closes, until it is compressed), the write box when it is the visitor's and open, and the viewer. */
function Selected({ id, token, onDeleted }: { id: string; token: string; onDeleted: () => void }) {
  const { info, refresh } = useStreamInfo(id)
  const attempts = useRef(0)
  const onClosed = useCallback(() => refresh(), [refresh])

  // Compression happens just after the close: look again a few times until it is done.
  useEffect(() => {
    if (!info?.closed || !info.compressed || info.compressedAtRest || attempts.current >= 20) return
    attempts.current++
    const timer = setTimeout(refresh, 500)
    return () => clearTimeout(timer)
  }, [info, refresh])

  if (info === undefined) return <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading {id}…</p>
  if (info === null) {
    return (
      <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="viewer-missing">
        No stream {id} (deleted or expired).
      </p>
    )
  }
  const readOnly = readOnlyReason(info)
  return (
    <div className="space-y-3">
      <CurlCommand command={`curl -N '{origin}/v1/stream/${id}?offset=-1&live=sse'`} sse={SSE_HINTS.durable(id)} />
      {readOnly === undefined ? (
        <StreamAppend info={info} onClosed={onClosed} />
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="append-unavailable">
          {readOnly}
        </p>
      )}
      <StreamViewer key={id} info={info} token={token} onDeleted={onDeleted} onClosed={onClosed} />
    </div>
  )
}

/** Demo producers, the list of streams, and one stream watched live. */
export function DurableDemo({ initialId }: { initialId: string | undefined }) {
  const [filter, setFilter] = useState<ListFilter>({ namespace: '', metadata: '' })
  const [page, setPage] = useState(0)
  const [selected, setSelected] = useState(initialId)
  const [token, setToken] = useState('')
  const [starting, setStarting] = useState(false)
  const [startError, setStartError] = useState<ApiError>()
  const list = useStreamList(filter, page)

  useEffect(() => {
    const url = selected ? `?id=${encodeURIComponent(selected)}` : window.location.pathname
    window.history.replaceState(null, '', url)
  }, [selected])

  /**
   * Starts a producer. Enabled once the list has answered: that answer set the page's identity
   * cookie, so the stream is claimed for this visitor (a producer started by a first request racing
   * the list's would mint an identity of its own, and the stream would be another identity's).
   */
  async function start(kind: 'export' | 'logs') {
    setStarting(true)
    setStartError(undefined)
    try {
      const body = await apiJson<{ id: string }>(`/api/durable/demo/${kind}`, { method: 'POST', json: {} })
      setSelected(body.id)
    } catch (error) {
      setStartError(toApiError(error))
    } finally {
      setStarting(false)
    }
  }

  return (
    <div className="space-y-6">
      <StreamCreateForm token={token} identified={list.loaded} onCreated={(stream) => setSelected(stream.id)} />
      <div className="flex flex-wrap items-end gap-3">
        <Button variant="primary" disabled={starting || !list.loaded} onClick={() => void start('export')} data-testid="producer-export">
          Start a CSV export (100 000 rows, gzip at rest)
        </Button>
        <Button variant="primary" disabled={starting || !list.loaded} onClick={() => void start('logs')} data-testid="producer-logs">
          Start a log producer (a line every 250 ms for a minute)
        </Button>
        <Field label="write token (for streams nobody owns, if SLUICE_STREAMS_TOKEN is set)" className="ml-auto">
          {(control) => (
            <Input
              {...control}
              type="password"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              className="block"
              data-testid="write-token"
            />
          )}
        </Field>
      </div>
      {startError && <ErrorMessage error={startError} testId="producer-error" />}
      <StreamList
        filter={filter}
        onFilter={(f) => {
          setFilter(f)
          setPage(0)
        }}
        page={page}
        onPage={setPage}
        total={list.total}
        streams={list.streams}
        error={list.error}
        loaded={list.loaded}
        connection={list.connection}
        selected={selected}
        onOpen={setSelected}
        onRefresh={list.refresh}
      />
      {selected && <Selected key={selected} id={selected} token={token} onDeleted={() => setSelected(undefined)} />}
    </div>
  )
}
