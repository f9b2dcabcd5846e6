'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import { apiFetch, apiJson, ApiError, toApiError } from '@/components/api/fetch'
import type { StreamInfo } from '@/lib/durable/client'
import { readSse } from '@/lib/stream/client'

/** A stream as `/api/durable` reports it: the service's own type (a type-only import, erased from the client bundle). */
export type StreamSummary = StreamInfo

/** One stream as `/api/durable/<id>` reports it: with `yours`, whether this visitor may write to, close and delete it. */
export type StreamDetails = StreamInfo & { yours: boolean }

export interface ListFilter {
  namespace: string
  /** `key=value` (exact match) or empty. */
  metadata: string
}

export const PAGE_SIZE = 20

/** `connecting`, `live` (the server pushes every change), or `off` (the last attempt failed: see `error`). */
export type ListConnection = 'connecting' | 'live' | 'off'

interface ListState {
  total: number
  streams: StreamSummary[]
  /** Why the last attempt failed (cleared by the next page that arrives). */
  error?: ApiError
  /** A page has arrived (so the identity cookie that came with it is set). */
  loaded: boolean
  connection: ListConnection
}

const wait = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })

/**
 * One page of the visitor's streams for a filter, kept live: `GET /api/durable?live=sse` sends the
 * page (a `streams` event) at once and again whenever a stream on it is written to, closed or
 * deleted, or one is created — from this tab, another one, curl or the CLI. The server ends the
 * connection now and then (and a network may drop it); the hook connects again and gets the whole
 * page first. A refusal that retrying cannot fix (a bad filter) stops it until the filter
 * changes or `refresh()`; a cap (429) is retried after the server's `Retry-After`.
 */
export function useStreamList(filter: ListFilter, page: number) {
  const [state, setState] = useState<ListState>({ total: 0, streams: [], loaded: false, connection: 'connecting' })
  const [generation, setGeneration] = useState(0)
  const refresh = useCallback(() => setGeneration((g) => g + 1), [])
  const first = useRef(true)

  useEffect(() => {
    const controller = new AbortController()
    const signal = controller.signal
    const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(page * PAGE_SIZE), live: 'sse' })
    if (filter.namespace.trim()) params.set('namespace', filter.namespace.trim())
    const [key, ...rest] = filter.metadata.split('=')
    if (key?.trim() && rest.length > 0) params.set(`meta.${key.trim()}`, rest.join('=').trim())

    async function run() {
      // A filter being typed changes on every key: connect once it rests, not once per key (each
      // connection holds one of the visitor's few live-list slots until the server sees it end).
      if (!first.current) await wait(300, signal)
      first.current = false
      let failures = 0
      while (!signal.aborted) {
        try {
          const res = await apiFetch(`/api/durable?${params}`, { signal, headers: { Accept: 'text/event-stream' } })
          for await (const event of readSse(res, { signal })) {
            if (event.event === 'streams') {
              const body = JSON.parse(event.data) as { total: number; streams: StreamSummary[] }
              failures = 0
              setState({ total: body.total, streams: body.streams, loaded: true, connection: 'live' })
            } else if (event.event === 'error') {
              const body = JSON.parse(event.data) as { error?: { code?: string; message?: string } }
              throw new ApiError(body.error?.code ?? 'unavailable:list', body.error?.message ?? 'The live list failed.')
            }
          }
          // The server ended the connection (its lifetime): connect again, the first event is the whole page.
        } catch (error) {
          if (signal.aborted) return
          failures++
          const failure = toApiError(error)
          setState((s) => ({ ...s, connection: 'off', error: failure }))
          if (failure.status >= 400 && failure.status < 500 && failure.status !== 429) return
          const delay = failure.retryAfterMs ?? Math.min(500 * 2 ** failures, 10_000)
          await wait(delay, signal)
          if (!signal.aborted) setState((s) => ({ ...s, connection: 'connecting' }))
        }
      }
    }
    void run()
    return () => controller.abort()
  }, [filter.namespace, filter.metadata, page, generation])

  return { ...state, refresh }
}

/** Metadata of one stream; `undefined` while loading, `null` once known not to exist. */
export function useStreamInfo(id: string) {
  const [info, setInfo] = useState<StreamDetails | null | undefined>(undefined)
  const [generation, setGeneration] = useState(0)
  const refresh = useCallback(() => setGeneration((g) => g + 1), [])
  useEffect(() => {
    const controller = new AbortController()
    apiJson<StreamDetails>(`/api/durable/${id}`, { signal: controller.signal }).then(setInfo, (error: unknown) => {
      if (error instanceof ApiError && error.status > 0) setInfo(null) // refused (not found, expired): nothing to show
    })
    return () => controller.abort()
  }, [id, generation])
  return { info, refresh }
}
