'use client'

import { useCallback, useMemo, useRef } from 'react'
import { readApiError, toApiError, type ApiError, type ApiInit } from '@/components/api/fetch'
import { inspectedFetch } from '@/components/inspector/inspected-fetch'
import { useStreamInspector } from '@/components/inspector/use-stream-inspector'

export interface ReadContext {
  signal: AbortSignal
  /** With `unit: 'record'`: one record (a line, an event) of `bytes` arrived. */
  mark(bytes: number): void
}

/** An error the stream carried in its body after a 200 (a pipeline's `error` record), in the app's shape. */
export interface InBandError {
  code: string
  message: string
}

export interface RunOptions {
  /**
   * What the inspector counts: `chunk` (default) every piece of the body as the network delivers
   * it; `record` what the reader decodes, told with `mark()` (a pipeline's NDJSON lines).
   */
  unit?: 'chunk' | 'record'
}

/**
 * One streamed request of a demo, watched by the stream inspector: `run(url, init, read)` starts
 * it (stopping one still running), hands the response to `read` as it streams, and records time to
 * first byte, chunks, bytes and the outcome — `done`, `stopped` (after `stop()`), or `error` with
 * the server's code and message for developers. A refusal (non-2xx) or a network failure is
 * returned as an {@link ApiError} for the page to show in words; an error the stream itself carried
 * (`read` returns it) ends it the same way. The chat uses the same wrapper (`inspectedFetch`) inside its transport.
 */
export function useInspectedFetch() {
  const { state, begin, chunk, end, reset } = useStreamInspector()
  const observer = useMemo(() => ({ begin, chunk, end, reset }), [begin, chunk, end, reset])
  const current = useRef<AbortController | null>(null)

  const run = useCallback(
    async (
      input: string,
      init: ApiInit,
      read: (res: Response, context: ReadContext) => Promise<InBandError | void>,
      options: RunOptions = {},
    ): Promise<ApiError | undefined> => {
      current.current?.abort()
      const controller = new AbortController()
      current.current = controller
      const { signal } = controller
      const byRecord = options.unit === 'record'
      const { json, ...rest } = init
      const headers = new Headers(rest.headers)
      if (json !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json')
      const request: RequestInit = { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body, signal }
      try {
        let res: Response
        if (byRecord) {
          begin()
          res = await fetch(input, request)
        } else {
          res = await inspectedFetch(observer)(input, request)
        }
        if (!res.ok) throw await readApiError(res)
        const carried = await read(res, { signal, mark: byRecord ? chunk : () => {} })
        if (carried && !signal.aborted) throw toApiError(carried)
        end(signal.aborted ? 'stopped' : 'done')
        return undefined
      } catch (error) {
        if (signal.aborted) {
          end('stopped')
          return undefined
        }
        const failure = toApiError(error)
        end('error', `${failure.code}: ${failure.message}`)
        return failure
      } finally {
        if (current.current === controller) current.current = null
      }
    },
    [observer, begin, chunk, end],
  )

  const stop = useCallback(() => current.current?.abort(), [])
  return { state, running: state.phase === 'connecting' || state.phase === 'streaming', run, stop }
}
