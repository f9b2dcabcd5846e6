'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import { rowCounter } from '@/components/jobs/use-export-reader'
import { readSse } from '@/lib/stream/client'

export type DurableExportStatus = 'idle' | 'starting' | 'writing' | 'complete' | 'error'

export interface DurableExportState {
  status: DurableExportStatus
  /** The stream's URL, known as soon as the route answers (before any row is written). */
  url: string | undefined
  total: number | undefined
  /** Rows read back from the stream so far. */
  rows: number
  error: { code: string; message: string; details?: unknown } | undefined
}

const initial: DurableExportState = { status: 'idle', url: undefined, total: undefined, rows: 0, error: undefined }

/**
 * Starts an export into a durable stream (the route answers with its URL at once and writes in
 * the background), then tails that URL with the Durable Streams protocol's SSE mode (`data` and
 * `control` events), reconnecting from the last offset until the stream says it is closed.
 */
export function useDurableExport() {
  const [state, setState] = useState<DurableExportState>(initial)
  const abort = useRef<AbortController | null>(null)

  const start = useCallback(async (options: { format: 'csv' | 'ndjson'; gzip: boolean }) => {
    abort.current?.abort()
    const controller = new AbortController()
    abort.current = controller
    setState({ ...initial, status: 'starting' })
    try {
      const response = await fetch('/api/jobs/export/durable', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(options),
        signal: controller.signal,
      })
      const body = (await response.json()) as { url: string; rows: number } & { error?: DurableExportState['error'] }
      if (!response.ok) throw body.error ?? { code: 'unavailable:export', message: `The export answered ${response.status}` }
      setState((s) => ({ ...s, status: 'writing', url: body.url, total: body.rows }))

      const countRows = rowCounter(options.format)
      let rows = 0
      let offset = '-1'
      let closed = false
      while (!closed) {
        const tail = await fetch(`${body.url}?offset=${encodeURIComponent(offset)}&live=sse`, { signal: controller.signal })
        if (!tail.ok) throw { code: 'unavailable:stream', message: `Reading the stream answered ${tail.status}` }
        for await (const event of readSse(tail, { signal: controller.signal })) {
          if (event.event === 'data') {
            rows += countRows(event.data)
            const seen = rows
            setState((s) => ({ ...s, rows: seen }))
          } else if (event.event === 'control') {
            const control = JSON.parse(event.data) as { streamNextOffset: string; streamClosed?: boolean }
            offset = control.streamNextOffset
            closed = control.streamClosed === true
          }
        }
      }
      setState((s) => ({ ...s, status: 'complete', rows }))
    } catch (error) {
      if (controller.signal.aborted) return
      const shaped = (error as { code?: unknown }).code ? (error as DurableExportState['error']) : { code: 'unavailable:network', message: String(error) }
      setState((s) => ({ ...s, status: 'error', error: shaped }))
    }
  }, [])

  useEffect(() => () => abort.current?.abort(), [])

  return { ...state, start }
}
