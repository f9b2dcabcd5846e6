'use client'

import { useCallback, useEffect, useState } from 'react'
import type { StoredUpload } from '@/lib/uploads/files'

/** The finished uploads on the server (`GET /api/uploads`), with refresh and delete. */
export function useStoredUploads() {
  const [uploads, setUploads] = useState<StoredUpload[] | null>(null)
  const [error, setError] = useState<string | null>(null)

  const refresh = useCallback(async () => {
    try {
      const res = await fetch('/api/uploads', { cache: 'no-store' })
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      setUploads(((await res.json()) as { uploads: StoredUpload[] }).uploads)
      setError(null)
    } catch (e) {
      setError(`Could not list the uploads: ${e instanceof Error ? e.message : String(e)}`)
    }
  }, [])

  const remove = useCallback(
    async (name: string) => {
      const res = await fetch(`/api/uploads/${encodeURIComponent(name)}`, { method: 'DELETE' })
      if (!res.ok && res.status !== 404) setError(`Could not delete ${name}: HTTP ${res.status}`)
      await refresh()
    },
    [refresh],
  )

  useEffect(() => {
    // Fetching on mount is the point of this effect; the state it sets comes from the response.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void refresh()
  }, [refresh])

  return { uploads, error, refresh, remove }
}
