'use client'

import { useCallback, useEffect, useState } from 'react'
import type { StreamInfo } from '@/lib/durable/service'

/** A stream as `/api/streams` reports it: the service's own type (a type-only import, erased from the client bundle). */
export type StreamSummary = StreamInfo

export interface ListFilter {
  namespace: string
  /** `key=value` (exact match) or empty. */
  metadata: string
}

export const PAGE_SIZE = 20

async function errorMessage(res: Response): Promise<string> {
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null
  return body?.error?.message ?? `HTTP ${res.status}`
}

/** One page of `/api/streams` for a filter; `refresh()` reloads it. */
export function useStreamList(filter: ListFilter, page: number) {
  const [state, setState] = useState<{ total: number; streams: StreamSummary[]; error?: string; loading: boolean }>({
    total: 0,
    streams: [],
    loading: true,
  })
  const [generation, setGeneration] = useState(0)
  const refresh = useCallback(() => setGeneration((g) => g + 1), [])

  useEffect(() => {
    const controller = new AbortController()
    const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(page * PAGE_SIZE) })
    if (filter.namespace.trim()) params.set('namespace', filter.namespace.trim())
    const [key, ...rest] = filter.metadata.split('=')
    if (key?.trim() && rest.length > 0) params.set(`meta.${key.trim()}`, rest.join('=').trim())
    fetch(`/api/streams?${params}`, { signal: controller.signal })
      .then(async (res) => {
        if (!res.ok) throw new Error(await errorMessage(res))
        const body = (await res.json()) as { total: number; streams: StreamSummary[] }
        setState({ total: body.total, streams: body.streams, loading: false })
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState((s) => ({ ...s, loading: false, error: error instanceof Error ? error.message : String(error) }))
      })
    return () => controller.abort()
  }, [filter.namespace, filter.metadata, page, generation])

  return { ...state, refresh }
}

/** Metadata of one stream; `undefined` while loading, `null` once known not to exist. */
export function useStreamInfo(id: string) {
  const [info, setInfo] = useState<StreamSummary | null | undefined>(undefined)
  const [generation, setGeneration] = useState(0)
  const refresh = useCallback(() => setGeneration((g) => g + 1), [])
  useEffect(() => {
    const controller = new AbortController()
    fetch(`/api/streams/${id}`, { signal: controller.signal })
      .then(async (res) => setInfo(res.ok ? ((await res.json()) as StreamSummary) : null))
      .catch(() => {})
    return () => controller.abort()
  }, [id, generation])
  return { info, refresh }
}
