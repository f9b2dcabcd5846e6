'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiError, readApiError, toApiError } from '@/components/api/fetch'
import { inspectedFetch, type StreamObserver } from '@/components/inspector/inspected-fetch'
import { deferred, type Deferred } from '@/lib/async'
import { CsvParser } from '@/lib/csv/client'

export type ExportStatus = 'idle' | 'streaming' | 'paused' | 'complete' | 'cancelled' | 'error'

export interface ExportReadState {
  status: ExportStatus
  /** Rows received so far (CSV records after the header, or NDJSON lines). */
  rows: number
  /** From the `X-Total-Rows` header. */
  total: number | undefined
  /** Bytes received (compressed bytes for a .gz download), counted on the inspector's own event. */
  bytes: number
  /** Pieces of the body as the network delivered them (the inspector's count). */
  chunks: number
  /** The first lines, as text. */
  preview: string
  ms: number | undefined
  error: ApiError | undefined
}

const initial: ExportReadState = {
  status: 'idle',
  rows: 0,
  total: undefined,
  bytes: 0,
  chunks: 0,
  preview: '',
  ms: undefined,
  error: undefined,
}

/** Counts rows in text arriving in pieces (CSV records after the header, or NDJSON lines). */
export function rowCounter(format: 'csv' | 'ndjson'): (text: string) => number {
  if (format === 'ndjson') return (text) => text.split('\n').length - 1
  const parser = new CsvParser({ maxRecordChars: 1024 * 1024 })
  let header = true
  return (text) => {
    let records = parser.push(text).length
    if (header && records > 0) {
      header = false
      records--
    }
    return records
  }
}

/**
 * Reads the export route in the page, chunk by chunk, counting rows as they arrive. `pause()` stops
 * reading: the browser stops taking bytes from the socket and the server's cursor stops with it
 * (backpressure); `cancel()` aborts the request, which ends the cursor.
 */
export function useExportReader(observer?: StreamObserver) {
  const [state, setState] = useState<ExportReadState>(initial)
  const abort = useRef<AbortController | null>(null)
  const paused = useRef(false)
  const resumed = useRef<Deferred<void> | null>(null)
  const [isPaused, setIsPaused] = useState(false)

  const start = useCallback(
    async (url: string, options: { format: 'csv' | 'ndjson'; gzip: boolean }) => {
      abort.current?.abort()
      const controller = new AbortController()
      abort.current = controller
      const started = performance.now()
      setState({ ...initial, status: 'streaming' })
      try {
        let bytes = 0
        let chunks = 0
        // The page's chunks and bytes are the inspector's, counted on the same event: they agree, paused or not.
        const counting: StreamObserver = {
          begin: () => observer?.begin(),
          reset: () => observer?.reset(),
          end: (phase, error) => observer?.end(phase, error),
          chunk: (n) => {
            bytes += n
            chunks++
            observer?.chunk(n)
            setState((s) => ({ ...s, bytes, chunks }))
          },
        }
        const response = await inspectedFetch(counting)(url, { signal: controller.signal })
        if (!response.ok) throw await readApiError(response)
        if (!response.body) throw new ApiError('unavailable:export', 'The export answered without a body.')
        const total = Number(response.headers.get('x-total-rows') ?? NaN)
        let counted: ReadableStream<Uint8Array> = response.body
        if (options.gzip)
          counted = counted.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>)
        const reader = counted.pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>).getReader()
        const countRows = rowCounter(options.format)
        let rows = 0
        let preview = ''
        setState((s) => ({ ...s, total: Number.isFinite(total) ? total : undefined }))
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          rows += countRows(value)
          if (!preview) preview = value.split('\n').slice(0, 6).join('\n') // the first lines of the first chunk
          const snapshot = { rows, preview }
          setState((s) => ({ ...s, ...snapshot }))
          if (paused.current) {
            setState((s) => ({ ...s, status: 'paused' }))
            resumed.current = deferred()
            await resumed.current.promise
            controller.signal.throwIfAborted() // cancelled while paused
            setState((s) => ({ ...s, status: 'streaming' }))
          }
        }
        const ms = Math.round(performance.now() - started)
        setState((s) => ({ ...s, status: 'complete', rows, bytes, chunks, ms }))
      } catch (error) {
        if (controller.signal.aborted) {
          setState((s) => ({ ...s, status: 'cancelled' }))
        } else {
          const failure = toApiError(error)
          setState((s) => ({ ...s, status: 'error', error: failure }))
          observer?.end('error', `${failure.code}: ${failure.message}`)
        }
      }
    },
    [observer],
  )

  const setPaused = useCallback((value: boolean) => {
    paused.current = value
    setIsPaused(value)
    if (!value) resumed.current?.resolve()
  }, [])

  const cancel = useCallback(() => {
    abort.current?.abort()
    resumed.current?.resolve()
  }, [])

  useEffect(() => () => abort.current?.abort(), [])

  return { ...state, paused: isPaused, start, setPaused, cancel }
}
