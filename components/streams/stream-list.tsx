'use client'

import { formatBytes } from '@/components/ui/format'
import { PAGE_SIZE, type ListConnection, type ListFilter, type StreamSummary } from '@/components/streams/use-stream-list'

const input = 'rounded border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900'

interface Props {
  filter: ListFilter
  onFilter: (filter: ListFilter) => void
  page: number
  onPage: (page: number) => void
  total: number
  streams: StreamSummary[]
  error: string | undefined
  connection: ListConnection
  selected: string | undefined
  onOpen: (id: string) => void
  onRefresh: () => void
}

const connectionText: Record<ListConnection, string> = {
  connecting: 'connecting…',
  live: 'live: changes appear as they happen',
  off: 'not live',
}

/** Streams, newest first, filtered by namespace and one exact metadata match, 20 to a page; kept live by the server. */
export function StreamList({ filter, onFilter, page, onPage, total, streams, error, connection, selected, onOpen, onRefresh }: Props) {
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
  return (
    <section className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900" aria-label="Streams">
      <div className="flex flex-wrap items-end gap-3">
        <label className="text-sm">
          <span className="block text-xs text-zinc-600 dark:text-zinc-400">namespace</span>
          <input className={input} value={filter.namespace} placeholder="e.g. export" onChange={(e) => onFilter({ ...filter, namespace: e.target.value })} data-testid="filter-namespace" />
        </label>
        <label className="text-sm">
          <span className="block text-xs text-zinc-600 dark:text-zinc-400">metadata key=value</span>
          <input className={input} value={filter.metadata} placeholder="e.g. demo=logs" onChange={(e) => onFilter({ ...filter, metadata: e.target.value })} data-testid="filter-metadata" />
        </label>
        <button type="button" onClick={onRefresh} className="rounded border border-zinc-300 px-3 py-1 text-sm dark:border-zinc-700" data-testid="list-refresh">
          Refresh
        </button>
        <p className="ml-auto text-sm text-zinc-600 dark:text-zinc-400">
          <span data-testid="list-total">{total}</span> stream(s) ·{' '}
          <span className={connection === 'live' ? 'text-emerald-700 dark:text-emerald-400' : ''} data-testid="list-live" data-state={connection}>
            {connectionText[connection]}
          </span>
        </p>
      </div>
      {error && connection !== 'live' && (
        <p className="text-sm text-red-700 dark:text-red-300" role="alert" data-testid="list-error">
          {error}
        </p>
      )}
      <table className="w-full table-fixed text-left text-sm" data-testid="stream-list">
        <thead className="text-xs text-zinc-600 dark:text-zinc-400">
          <tr>
            <th className="w-2/5 py-1">stream</th>
            <th className="py-1">type</th>
            <th className="py-1">size</th>
            <th className="py-1">state</th>
            <th className="py-1">created</th>
          </tr>
        </thead>
        <tbody>
          {streams.map((s) => (
            <tr key={s.id} className={`border-t border-zinc-100 dark:border-zinc-800 ${s.id === selected ? 'bg-sky-50 dark:bg-sky-950/40' : ''}`} data-testid="stream-row" data-id={s.id}>
              <td className="truncate py-1 pr-2 font-mono text-xs">
                <button type="button" className="text-sky-700 hover:underline dark:text-sky-400" onClick={() => onOpen(s.id)} title={s.id} data-testid="stream-open">
                  {s.id}
                </button>
                {Object.keys(s.metadata).length > 0 && (
                  <span className="block truncate text-zinc-600 dark:text-zinc-400">{Object.entries(s.metadata).map(([k, v]) => `${k}=${v}`).join(' ')}</span>
                )}
              </td>
              <td className="truncate py-1">{s.contentType}</td>
              <td className="py-1 tabular-nums" data-testid="stream-size" data-bytes={s.sizeBytes}>
                {formatBytes(s.sizeBytes)}
                {s.compressedAtRest && <span className="block text-xs text-zinc-600 dark:text-zinc-400">{formatBytes(s.storedBytes)} gzip</span>}
              </td>
              <td className="py-1" data-testid="stream-state">
                {s.closed ? 'closed' : 'open (incomplete)'}
              </td>
              <td className="py-1 text-xs text-zinc-600 dark:text-zinc-400">{new Date(s.createdAt).toLocaleTimeString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="flex items-center gap-3 text-sm">
        <button type="button" disabled={page === 0} onClick={() => onPage(page - 1)} className="rounded border border-zinc-300 px-3 py-1 disabled:opacity-40 dark:border-zinc-700" data-testid="list-prev">
          Previous
        </button>
        <span data-testid="list-page">
          page {page + 1} of {pages}
        </span>
        <button type="button" disabled={page + 1 >= pages} onClick={() => onPage(page + 1)} className="rounded border border-zinc-300 px-3 py-1 disabled:opacity-40 dark:border-zinc-700" data-testid="list-next">
          Next
        </button>
      </div>
    </section>
  )
}
