'use client'

import type { ApiError } from '@/components/api/fetch'
import { issueInWords } from '@/components/api/error-words'
import { PAGE_SIZE, type ListConnection, type ListFilter, type StreamSummary } from '@/components/durable/use-stream-list'
import { Button } from '@/components/ui/button'
import { Card } from '@/components/ui/card'
import { EmptyState } from '@/components/ui/empty-state'
import { ErrorMessage } from '@/components/ui/error-message'
import { Field, Input } from '@/components/ui/field'
import { formatBytes } from '@/components/ui/format'

interface Props {
  filter: ListFilter
  onFilter: (filter: ListFilter) => void
  page: number
  onPage: (page: number) => void
  total: number
  streams: StreamSummary[]
  error: ApiError | undefined
  /** A page has arrived (until then the list is loading, not empty). */
  loaded: boolean
  connection: ListConnection
  selected: string | undefined
  onOpen: (id: string) => void
  onRefresh: () => void
}

/** The server's words about one filter field (its zod issue), if the refusal named it. */
function issueOf(error: ApiError | undefined, field: string): string | undefined {
  const message = error?.field(field)
  return message && issueInWords(message)
}

const connectionText: Record<ListConnection, string> = {
  connecting: 'connecting…',
  live: 'live: changes appear as they happen',
  off: 'not live',
}

/** Streams, newest first, filtered by namespace and one exact metadata match, 20 to a page; kept live by the server. */
export function StreamList({
  filter,
  onFilter,
  page,
  onPage,
  total,
  streams,
  error,
  loaded,
  connection,
  selected,
  onOpen,
  onRefresh,
}: Props) {
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
  return (
    <Card className="space-y-3" aria-label="Streams">
      <div className="flex flex-wrap items-end gap-3">
        <Field label="namespace" error={issueOf(error, 'namespace')}>
          {(control) => (
            <Input
              {...control}
              className="block"
              value={filter.namespace}
              placeholder="e.g. export"
              onChange={(e) => onFilter({ ...filter, namespace: e.target.value })}
              data-testid="filter-namespace"
            />
          )}
        </Field>
        <Field label="metadata key=value" error={issueOf(error, 'metadata')}>
          {(control) => (
            <Input
              {...control}
              className="block"
              value={filter.metadata}
              placeholder="e.g. demo=logs"
              onChange={(e) => onFilter({ ...filter, metadata: e.target.value })}
              data-testid="filter-metadata"
            />
          )}
        </Field>
        <Button onClick={onRefresh} data-testid="list-refresh">
          Refresh
        </Button>
        <p className="ml-auto text-sm text-zinc-600 dark:text-zinc-400">
          <span data-testid="list-total">{total}</span> stream(s) ·{' '}
          <span
            className={connection === 'live' ? 'text-emerald-700 dark:text-emerald-400' : ''}
            data-testid="list-live"
            data-state={connection}
          >
            {connectionText[connection]}
          </span>
        </p>
      </div>
      {error && connection !== 'live' && <ErrorMessage error={error} testId="list-error" />}
      {loaded && streams.length === 0 && (
        <EmptyState testId="list-empty">
          {filter.namespace.trim() || filter.metadata.trim()
            ? 'No stream of yours matches this filter. Clear it to see them all.'
            : page > 0
              ? 'Nothing on this page: go back a page.'
              : 'No streams yet: create one above, or start a producer.'}
        </EmptyState>
      )}
      <table className="w-full table-fixed text-left text-sm" hidden={streams.length === 0} data-testid="stream-list">
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
            <tr
              key={s.id}
              className={`border-t border-zinc-100 dark:border-zinc-800 ${s.id === selected ? 'bg-sky-50 dark:bg-sky-950/40' : ''}`}
              data-testid="stream-row"
              data-id={s.id}
            >
              <td className="truncate py-1 pr-2 font-mono text-xs">
                <button
                  type="button"
                  className="text-sky-700 hover:underline dark:text-sky-400"
                  onClick={() => onOpen(s.id)}
                  title={s.id}
                  data-testid="stream-open"
                >
                  {s.id}
                </button>
                {Object.keys(s.metadata).length > 0 && (
                  <span className="block truncate text-zinc-600 dark:text-zinc-400">
                    {Object.entries(s.metadata)
                      .map(([k, v]) => `${k}=${v}`)
                      .join(' ')}
                  </span>
                )}
              </td>
              <td className="truncate py-1">{s.contentType}</td>
              <td className="py-1 tabular-nums" data-testid="stream-size" data-bytes={s.sizeBytes}>
                {formatBytes(s.sizeBytes)}
                {s.compressedAtRest && (
                  <span className="block text-xs text-zinc-600 dark:text-zinc-400">{formatBytes(s.storedBytes)} gzip</span>
                )}
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
        <Button disabled={page === 0} onClick={() => onPage(page - 1)} data-testid="list-prev">
          Previous
        </Button>
        <span data-testid="list-page">
          page {page + 1} of {pages}
        </span>
        <Button disabled={page + 1 >= pages} onClick={() => onPage(page + 1)} data-testid="list-next">
          Next
        </Button>
      </div>
    </Card>
  )
}
