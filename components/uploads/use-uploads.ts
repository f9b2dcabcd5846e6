'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import { toApiError, type ApiError } from '@/components/api/fetch'
import {
  cancelUpload,
  fetchProgress,
  forgetUpload,
  isSameFile,
  savedUploads,
  uploadFile,
  type SavedUpload,
  type UploadProgress,
} from '@/lib/uploads/client'

export type ItemStatus = 'queued' | 'uploading' | 'retrying' | 'complete' | 'failed' | 'cancelled' | 'interrupted'

/** One file on the page, as the progress bar shows it. */
export interface UploadItem {
  key: string
  name: string
  size: number
  status: ItemStatus
  /** Bytes on the server's disk (from the progress channel). */
  offset: number
  id?: string
  /** Where the latest request started, when it continued an earlier one. */
  resumedFrom?: number
  /** Bytes per second written on the server, over the last few seconds. */
  rate?: number
  sha256?: string
  /** Why it failed, in the app's error shape (shown in words). */
  error?: ApiError
  /** What to match a re-picked file against, for an upload interrupted by a page reload. */
  saved?: SavedUpload
}

/** Files uploading at once. Each takes two connections (the PUT and its progress channel), and HTTP/1.1 browsers allow six per origin. */
const CONCURRENCY = 2
/** The window the rate is measured over. */
const RATE_WINDOW_MS = 3_000

let nextKey = 0

/** The states an upload has ended in: its card can be dismissed. */
export const DISMISSABLE: ReadonlySet<ItemStatus> = new Set(['complete', 'failed', 'cancelled'])

/**
 * Uploads chosen files two at a time, following each on the server's progress channel, and lists
 * uploads a previous page load left unfinished so that picking the same file again resumes it.
 */
export function useUploads(options: { onComplete?: (progress: UploadProgress) => void; rate?: number } = {}) {
  const [items, setItems] = useState<UploadItem[]>([])
  const files = useRef(new Map<string, File>())
  const controllers = useRef(new Map<string, AbortController>())
  const samples = useRef(new Map<string, { at: number; offset: number }[]>())
  const onComplete = useRef(options.onComplete)
  // Slow motion applies to the uploads started after it was switched (each request carries its `?rate=`).
  const rate = useRef(options.rate)
  useEffect(() => {
    onComplete.current = options.onComplete
    rate.current = options.rate
  })

  const patch = useCallback((key: string, change: Partial<UploadItem>) => {
    setItems((list) => list.map((item) => (item.key === key ? { ...item, ...change } : item)))
  }, [])

  const progressed = useCallback((key: string, progress: UploadProgress) => {
    const now = performance.now()
    const window = (samples.current.get(key) ?? []).filter((s) => now - s.at < RATE_WINDOW_MS && s.offset <= progress.offset)
    window.push({ at: now, offset: progress.offset })
    samples.current.set(key, window)
    const first = window[0]!
    const rate = now - first.at > 300 ? ((progress.offset - first.offset) / (now - first.at)) * 1000 : undefined
    const status: ItemStatus | undefined =
      progress.state === 'receiving' ? 'uploading' : progress.state === 'failed' && progress.resumable ? 'retrying' : undefined
    setItems((list) =>
      list.map((item) =>
        // A late event must not revive an upload the user cancelled.
        item.key !== key || item.status === 'cancelled'
          ? item
          : {
              ...item,
              id: progress.id,
              offset: progress.offset,
              rate,
              resumedFrom: progress.attemptOffset > 0 ? progress.attemptOffset : undefined,
              status: status ?? item.status,
            },
      ),
    )
  }, [])

  const start = useCallback(
    async (key: string, file: File) => {
      const controller = new AbortController()
      controllers.current.set(key, controller)
      patch(key, { status: 'uploading', error: undefined })
      try {
        const done = await uploadFile(file, {
          signal: controller.signal,
          onProgress: (progress) => progressed(key, progress),
          onRetry: () => patch(key, { status: 'retrying' }),
          rate: rate.current,
        })
        patch(key, { status: 'complete', offset: done.offset, sha256: done.sha256, rate: undefined })
        onComplete.current?.(done)
      } catch (error) {
        if (controller.signal.aborted) return
        patch(key, { status: 'failed', error: toApiError(error), rate: undefined })
      } finally {
        controllers.current.delete(key)
        files.current.delete(key)
      }
    },
    [patch, progressed],
  )

  // Starts queued files while fewer than CONCURRENCY are running.
  useEffect(() => {
    const running = items.filter((i) => i.status === 'uploading' || i.status === 'retrying').length
    const next = items.filter((i) => i.status === 'queued').slice(0, Math.max(0, CONCURRENCY - running))
    for (const item of next) {
      const file = files.current.get(item.key)
      if (file) void start(item.key, file)
    }
  }, [items, start])

  // Uploads a previous page load left unfinished, with the offset the server holds.
  useEffect(() => {
    let active = true
    void (async () => {
      for (const saved of savedUploads()) {
        const progress = await fetchProgress(saved.id).catch(() => undefined)
        if (!active) return
        if (!progress || progress.state === 'complete' || progress.state === 'cancelled') {
          forgetUpload(saved.id)
          continue
        }
        const item: UploadItem = {
          key: `saved-${saved.id}`,
          name: saved.name,
          size: saved.size,
          status: 'interrupted',
          offset: progress.offset,
          id: saved.id,
          saved,
        }
        setItems((list) => (list.some((i) => i.id === saved.id) ? list : [...list, item]))
      }
    })()
    return () => {
      active = false
    }
  }, [])

  /** Queues files; one matching an interrupted upload continues it instead of starting over. */
  const add = useCallback((chosen: Iterable<File>) => {
    setItems((list) => {
      let next = [...list]
      for (const file of chosen) {
        const interrupted = next.find((i) => i.status === 'interrupted' && i.saved && isSameFile(i.saved, file))
        const key = interrupted?.key ?? `file-${nextKey++}`
        files.current.set(key, file)
        const item: UploadItem = {
          key,
          name: file.name,
          size: file.size,
          status: 'queued',
          offset: interrupted?.offset ?? 0,
          id: interrupted?.id,
        }
        next = interrupted ? next.map((i) => (i.key === key ? item : i)) : [...next, item]
      }
      return next
    })
  }, [])

  /** Stops an upload and has the server remove its bytes. */
  const cancel = useCallback(
    (key: string) => {
      const item = items.find((i) => i.key === key)
      controllers.current.get(key)?.abort()
      files.current.delete(key)
      patch(key, { status: 'cancelled', rate: undefined })
      if (item?.id) void cancelUpload(item.id)
    },
    [items, patch],
  )

  /** Takes a finished, cancelled or failed upload off the page (a running one is cancelled instead). */
  const dismiss = useCallback((key: string) => {
    setItems((list) => list.filter((i) => i.key !== key || !DISMISSABLE.has(i.status)))
    samples.current.delete(key)
  }, [])

  return { items, add, cancel, dismiss }
}
