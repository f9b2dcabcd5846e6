'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import { CurlCommand } from '@/components/curl-command'
import { StreamList } from '@/components/stream-list'
import { StreamViewer } from '@/components/stream-viewer'
import { useStreamInfo, useStreamList, type ListFilter } from '@/components/use-stream-list'

const button = 'rounded bg-sky-600 px-4 py-1.5 text-sm font-medium text-white disabled:opacity-50'

/** The selected stream: its metadata (refreshed once it closes, until it is compressed) and viewer. */
function Selected({ id, token, onChanged, onDeleted }: { id: string; token: string; onChanged: () => void; onDeleted: () => void }) {
  const { info, refresh } = useStreamInfo(id)
  const attempts = useRef(0)
  const onClosed = useCallback(() => {
    refresh()
    onChanged()
  }, [refresh, onChanged])

  // Compression happens just after the close: look again a few times until it is done.
  useEffect(() => {
    if (!info?.closed || !info.compressed || info.compressedAtRest || attempts.current >= 20) return
    attempts.current++
    const timer = setTimeout(refresh, 500)
    return () => clearTimeout(timer)
  }, [info, refresh])

  if (info === undefined) return <p className="text-sm text-zinc-500">Loading {id}…</p>
  if (info === null) {
    return (
      <p className="text-sm text-zinc-500" data-testid="viewer-missing">
        No stream {id} (deleted or expired).
      </p>
    )
  }
  return (
    <div className="space-y-3">
      <CurlCommand command={`curl -N '{origin}/v1/stream/${id}?offset=-1&live=sse'`} />
      <StreamViewer key={id} info={info} token={token} onDeleted={onDeleted} onClosed={onClosed} />
    </div>
  )
}

/** Demo producers, the list of streams, and one stream watched live. */
export function StreamsDemo({ initialId }: { initialId: string | undefined }) {
  const [filter, setFilter] = useState<ListFilter>({ namespace: '', metadata: '' })
  const [page, setPage] = useState(0)
  const [selected, setSelected] = useState(initialId)
  const [token, setToken] = useState('')
  const [starting, setStarting] = useState(false)
  const [startError, setStartError] = useState<string>()
  const list = useStreamList(filter, page)
  const { refresh } = list

  useEffect(() => {
    const url = selected ? `?id=${encodeURIComponent(selected)}` : window.location.pathname
    window.history.replaceState(null, '', url)
  }, [selected])

  async function start(kind: 'export' | 'logs') {
    setStarting(true)
    setStartError(undefined)
    try {
      const res = await fetch(`/api/streams/demo/${kind}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })
      const body = (await res.json()) as { id?: string; error?: { message: string } }
      if (!res.ok || !body.id) throw new Error(body.error?.message ?? `HTTP ${res.status}`)
      setSelected(body.id)
      refresh()
    } catch (error) {
      setStartError(error instanceof Error ? error.message : String(error))
    } finally {
      setStarting(false)
    }
  }

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end gap-3">
        <button type="button" className={button} disabled={starting} onClick={() => void start('export')} data-testid="producer-export">
          Start a CSV export (100 000 rows, gzip at rest)
        </button>
        <button type="button" className={button} disabled={starting} onClick={() => void start('logs')} data-testid="producer-logs">
          Start a log producer (a line every 250 ms for a minute)
        </button>
        <label className="ml-auto text-sm">
          <span className="block text-xs text-zinc-500">write token (for streams nobody owns, if SLUICE_STREAMS_TOKEN is set)</span>
          <input
            type="password"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            className="rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
            data-testid="write-token"
          />
        </label>
      </div>
      {startError && (
        <p className="text-sm text-red-700 dark:text-red-300" role="alert" data-testid="producer-error">
          {startError}
        </p>
      )}
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
        selected={selected}
        onOpen={setSelected}
        onRefresh={refresh}
      />
      {selected && (
        <Selected
          key={selected}
          id={selected}
          token={token}
          onChanged={refresh}
          onDeleted={() => {
            setSelected(undefined)
            refresh()
          }}
        />
      )}
    </div>
  )
}
