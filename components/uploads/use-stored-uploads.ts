'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import { apiFetch, apiJson, toApiError, type ApiError } from '@/components/api/fetch'
import type { StoredUpload } from '@/lib/uploads/client'

/** How long to wait before listing again after a network failure (doubling up to the last). */
const RETRY_MS = [1_000, 2_000, 5_000, 10_000]

/**
 * The finished uploads on the server (`GET /api/uploads`), with refresh and delete. A list that
 * failed for the network is tried again by itself (after a growing pause, and at once when the
 * browser says it is back online), and its error goes as soon as a listing succeeds.
 */
export function useStoredUploads() {
  const [uploads, setUploads] = useState<StoredUpload[] | null>(null)
  const [error, setError] = useState<{ what: 'list' | 'delete'; name?: string; error: ApiError } | null>(null)
  const failures = useRef(0)
  const retry = useRef<ReturnType<typeof setTimeout>>(undefined)
  /** `refresh`, for the timer it sets itself. */
  const again = useRef<() => Promise<void>>(async () => {})

  const refresh = useCallback(async () => {
    clearTimeout(retry.current)
    try {
      const body = await apiJson<{ uploads: StoredUpload[] }>('/api/uploads', { cache: 'no-store' })
      failures.current = 0
      setUploads(body.uploads)
      setError((e) => (e?.what === 'list' ? null : e))
    } catch (e) {
      const failure = toApiError(e)
      setError({ what: 'list', error: failure })
      if (failure.network || failure.status >= 500) {
        const wait = RETRY_MS[Math.min(failures.current++, RETRY_MS.length - 1)]
        retry.current = setTimeout(() => void again.current(), wait)
      }
    }
  }, [])

  const remove = useCallback(
    async (name: string) => {
      try {
        await apiFetch(`/api/uploads/${encodeURIComponent(name)}`, { method: 'DELETE' })
        setError(null)
      } catch (e) {
        const failure = toApiError(e)
        if (failure.status !== 404) setError({ what: 'delete', name, error: failure }) // already gone: nothing to say
      }
      await refresh()
    },
    [refresh],
  )

  useEffect(() => {
    again.current = refresh
    // Fetching on mount is the point of this effect; the state it sets comes from the response.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void refresh()
    const online = () => void refresh()
    window.addEventListener('online', online)
    return () => {
      window.removeEventListener('online', online)
      clearTimeout(retry.current)
    }
  }, [refresh])

  return { uploads, error, refresh, remove }
}
