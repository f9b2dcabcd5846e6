'use client'

import { useEffect, useState } from 'react'
import { readSse } from '@/lib/stream/client'

/**
 * Watches one durable stream live over SSE (`/v1/stream/<id>?live=sse`) and survives reloads:
 * after every `control` event the hook saves the stream's offset together with the text shown so
 * far (sessionStorage), and a reloaded page resumes from that offset — no gap, no duplicate,
 * because text and offset are only ever saved together. Dropped connections (and the server's
 * periodic reconnect) resume the same way; a `streamClosed` control event ends it.
 */

export type ViewPhase = 'connecting' | 'live' | 'closed' | 'gone' | 'error'

export interface DurableView {
  phase: ViewPhase
  /** Offset token after the last delivered data (what a reload resumes from). */
  offset: string
  /** Bytes of data received so far (decoded). */
  bytes: number
  /** Data events received so far. */
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

function decodeData(data: string, kind: 'json' | 'text' | 'base64'): { text: string; bytes: number } {
  if (kind === 'json') {
    const items = JSON.parse(data) as unknown[]
    const text = items.map((item) => `${JSON.stringify(item)}\n`).join('')
    return { text, bytes: new TextEncoder().encode(text).byteLength }
  }
  if (kind === 'base64') {
    const binary = atob(data.replace(/\s/g, ''))
    const hex = Array.from(binary.slice(0, 32), (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join(' ')
    return { text: `[${binary.length} bytes] ${hex}${binary.length > 32 ? ' …' : ''}\n`, bytes: binary.length }
  }
  return { text: data, bytes: new TextEncoder().encode(data).byteLength }
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

/** Live view of stream `id` (of content type `contentType`); `onData` sees each data event's size. */
export function useDurableStream(id: string, contentType: string, onData?: (bytes: number) => void): DurableView {
  const [view, setView] = useState<DurableView>(initialView)

  useEffect(() => {
    const controller = new AbortController()
    const signal = controller.signal
    const type = contentType.split(';')[0]!.trim().toLowerCase()
    const kind = type === 'application/json' ? 'json' : type.startsWith('text/') ? 'text' : 'base64'
    const saved = load(id)
    let state: Saved = saved ?? { offset: '-1', bytes: 0, events: 0, text: '', truncated: false }
    setView({ ...initialView(), ...state, resumedFrom: saved?.offset })

    async function run() {
      let failures = 0
      while (!signal.aborted) {
        try {
          const res = await fetch(`/v1/stream/${id}?offset=${encodeURIComponent(state.offset)}&live=sse`, { signal })
          if (res.status === 404 || res.status === 410) {
            sessionStorage.removeItem(storageKey(id))
            setView((v) => ({ ...v, phase: 'gone' }))
            return
          }
          if (!res.ok) throw new Error(`HTTP ${res.status}`)
          failures = 0
          let pending = { text: '', bytes: 0, events: 0 }
          for await (const event of readSse(res, { signal })) {
            if (event.event === 'data') {
              const decoded = decodeData(event.data, kind)
              pending = { text: pending.text + decoded.text, bytes: pending.bytes + decoded.bytes, events: pending.events + 1 }
              onData?.(decoded.bytes)
            } else if (event.event === 'control') {
              const control = JSON.parse(event.data) as { streamNextOffset: string; upToDate?: boolean; streamClosed?: boolean }
              const text = state.text + pending.text
              state = {
                offset: control.streamNextOffset,
                bytes: state.bytes + pending.bytes,
                events: state.events + pending.events,
                text: text.length > MAX_TEXT ? text.slice(-MAX_TEXT) : text,
                truncated: state.truncated || text.length > MAX_TEXT,
              }
              pending = { text: '', bytes: 0, events: 0 }
              save(id, state)
              const closed = control.streamClosed === true
              setView((v) => ({ ...v, ...state, phase: closed ? 'closed' : 'live', upToDate: closed || control.upToDate === true }))
              if (closed) return
            }
          }
          // The server ends SSE connections now and then (for caches); carry on from the offset.
        } catch (error) {
          if (signal.aborted) return
          failures++
          setView((v) => ({ ...v, phase: 'error', error: error instanceof Error ? error.message : String(error) }))
          await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** failures, 5_000)))
        }
      }
    }
    void run()
    return () => controller.abort()
  }, [id, contentType, onData])

  return view
}
