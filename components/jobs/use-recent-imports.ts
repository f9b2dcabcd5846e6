'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import { apiJson, toApiError, type ApiError } from '@/components/api/fetch'
import type { ImportList } from '@/lib/jobs'

/** Imports listed: the most recent ones. */
const SHOWN = 10
/** How often a running import's stored counts are read again. */
const FOLLOW_MS = 1_000
/** How long to wait before listing again after a failure. */
const RETRY_MS = 5_000

/**
 * The caller's recent imports as the server stored them (`GET /api/jobs/import`): what each
 * committed survives a reload. While one of them runs (started here, in another tab, or with curl
 * and the same cookie), the list is read again every second, so its counts keep moving; a failed
 * listing is tried again by itself.
 */
export function useRecentImports() {
  const [list, setList] = useState<ImportList | null>(null)
  const [error, setError] = useState<ApiError>()
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)
  /** `refresh`, for the timer it sets itself. */
  const again = useRef<() => Promise<void>>(async () => {})

  const refresh = useCallback(async () => {
    clearTimeout(timer.current)
    try {
      const body = await apiJson<ImportList>(`/api/jobs/import?limit=${SHOWN}`, { cache: 'no-store' })
      setList(body)
      setError(undefined)
      if (body.jobs.some((job) => job.status === 'running')) timer.current = setTimeout(() => void again.current(), FOLLOW_MS)
    } catch (e) {
      setError(toApiError(e))
      timer.current = setTimeout(() => void again.current(), RETRY_MS)
    }
  }, [])

  useEffect(() => {
    again.current = refresh
    // Fetching on mount is the point of this effect; the state it sets comes from the response.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void refresh()
    return () => clearTimeout(timer.current)
  }, [refresh])

  return { list, error, refresh }
}
