'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import { apiJson, isAbortError, toApiError, type ApiError } from '@/components/api/fetch'
import { useDurableTail } from '@/components/api/use-durable-tail'
import { rowCounter } from '@/components/jobs/use-export-reader'

export type DurableExportStatus = 'idle' | 'starting' | 'writing' | 'complete' | 'error'

export interface DurableExportState {
  status: DurableExportStatus
  /** The stream's URL, known as soon as the route answers (before any row is written). */
  url: string | undefined
  total: number | undefined
  /** Rows read back from the stream so far. */
  rows: number
  error: ApiError | undefined
}

interface Started {
  url: string
  total: number
  format: 'csv' | 'ndjson'
}

/**
 * Starts an export into a durable stream (the route answers with its URL at once and writes in
 * the background), then follows that URL with the one browser tail (`useDurableTail`, the
 * official Durable Streams client), counting rows as they arrive, until the stream is closed.
 */
export function useDurableExport() {
  const [started, setStarted] = useState<Started>()
  const [starting, setStarting] = useState(false)
  const [startError, setStartError] = useState<ApiError>()
  const [rows, setRows] = useState(0)
  const counter = useRef<(text: string) => number>(() => 0)
  const abort = useRef<AbortController | null>(null)

  const tail = useDurableTail(started?.url, {
    contentType: started?.format === 'ndjson' ? 'application/x-ndjson' : 'text/csv',
    onBatch: (batch) => {
      const counted = counter.current(batch.text)
      if (counted > 0) setRows((n) => n + counted)
    },
  })

  const start = useCallback(async (options: { format: 'csv' | 'ndjson'; gzip: boolean }) => {
    abort.current?.abort()
    const controller = new AbortController()
    abort.current = controller
    setStarted(undefined)
    setStartError(undefined)
    setRows(0)
    setStarting(true)
    try {
      const body = await apiJson<{ url: string; rows: number }>('/api/jobs/export/durable', {
        method: 'POST',
        json: options,
        signal: controller.signal,
      })
      counter.current = rowCounter(options.format)
      setStarted({ url: body.url, total: body.rows, format: options.format })
    } catch (error) {
      if (!isAbortError(error)) setStartError(toApiError(error))
    } finally {
      if (abort.current === controller) setStarting(false)
    }
  }, [])

  useEffect(() => () => abort.current?.abort(), [])

  const error = startError ?? (started && (tail.phase === 'error' || tail.phase === 'gone') ? tail.error : undefined)
  const status: DurableExportStatus = starting
    ? 'starting'
    : startError
      ? 'error'
      : !started
        ? 'idle'
        : tail.phase === 'closed'
          ? 'complete'
          : tail.phase === 'gone' || (tail.phase === 'error' && tail.error && !tail.error.network)
            ? 'error'
            : 'writing'
  const state: DurableExportState = { status, url: started?.url, total: started?.total, rows, error }
  return { ...state, start }
}
