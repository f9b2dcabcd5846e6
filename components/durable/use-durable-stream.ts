'use client'

import { useEffect, useRef, useState } from 'react'
import { useDurableTail, type TailPhase } from '@/components/api/use-durable-tail'

/**
 * Watches one durable stream live and survives reloads: after every batch (each ends at an offset
 * the server named) the hook saves that offset together with the text shown so far
 * (sessionStorage), and a reloaded page resumes from that offset — no gap, no duplicate, because
 * text and offset are only ever saved together. Dropped connections (and the server's periodic
 * end) are resumed by the official client; the stream's close ends it.
 */

export type ViewPhase = TailPhase

export interface DurableView {
  phase: ViewPhase
  /** Offset token after the last delivered data (what a reload resumes from). */
  offset: string
  /** Bytes of data received so far (decoded). */
  bytes: number
  /** Batches received so far (one per offset the server named). */
  events: number
  /** The end of the content as text (the whole of it up to {@link MAX_TEXT} characters). */
  text: string
  truncated: boolean
  upToDate: boolean
  /** The saved offset this view resumed from after a reload, if it did. */
  resumedFrom: string | undefined
  error: string | undefined
}

/** Characters of content kept for display (and in sessionStorage). */
export const MAX_TEXT = 64 * 1024

interface Saved {
  offset: string
  bytes: number
  events: number
  text: string
  truncated: boolean
}

const storageKey = (id: string) => `sluice.durable.${id}`

function forget(id: string): void {
  try {
    sessionStorage.removeItem(storageKey(id))
  } catch {
    // Unavailable: nothing was saved.
  }
}

function load(id: string): Saved | undefined {
  try {
    const raw = sessionStorage.getItem(storageKey(id))
    return raw ? (JSON.parse(raw) as Saved) : undefined
  } catch {
    return undefined
  }
}

function save(id: string, saved: Saved): void {
  try {
    sessionStorage.setItem(storageKey(id), JSON.stringify(saved))
  } catch {
    // Storage full or unavailable: the view still works, a reload just starts over.
  }
}

const initialView = (): DurableView => ({
  phase: 'connecting',
  offset: '-1',
  bytes: 0,
  events: 0,
  text: '',
  truncated: false,
  upToDate: false,
  resumedFrom: undefined,
  error: undefined,
})

/**
 * Live view of stream `id` (of content type `contentType`) on the one browser tail
 * (`useDurableTail`, the official client); `onData` sees each batch's size.
 */
export function useDurableStream(id: string, contentType: string, onData?: (bytes: number) => void): DurableView {
  const [view, setView] = useState<DurableView>(initialView)
  /** Where to start: the saved offset after a reload (read once, on the client), else the beginning. */
  const [start, setStart] = useState<{ id: string; saved: Saved | undefined }>()
  const saved = useRef<Saved>(undefined)

  useEffect(() => {
    const found = load(id)
    saved.current = found ?? { offset: '-1', bytes: 0, events: 0, text: '', truncated: false }
    // Reading sessionStorage is only possible here, after mount; the view starts from what it held.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setStart({ id, saved: found })
    setView({ ...initialView(), ...saved.current, resumedFrom: found?.offset })
  }, [id])

  const tail = useDurableTail(start?.id === id ? `/v1/stream/${id}` : undefined, {
    from: start?.id === id ? (start.saved?.offset ?? '-1') : '-1',
    contentType,
    onBatch: (batch) => {
      const before = saved.current!
      const text = before.text + batch.text
      const next: Saved = {
        offset: batch.offset,
        bytes: before.bytes + batch.bytes,
        events: before.events + 1,
        text: text.length > MAX_TEXT ? text.slice(-MAX_TEXT) : text,
        truncated: before.truncated || text.length > MAX_TEXT,
      }
      saved.current = next
      save(id, next) // text and offset together, or not at all
      if (batch.bytes > 0) onData?.(batch.bytes)
      setView((v) => ({ ...v, ...next, upToDate: batch.closed || batch.upToDate }))
    },
  })

  useEffect(() => {
    if (tail.phase === 'gone') forget(id)
  }, [tail.phase, id])

  return { ...view, phase: tail.phase, error: tail.error?.message }
}
