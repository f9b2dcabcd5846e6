'use client'

import { FetchError, stream, type JsonBatchMeta } from '@durable-streams/client'
import { useEffect, useRef, useState } from 'react'
import { ApiError, NETWORK_MESSAGE, toApiError } from '@/components/api/fetch'

/**
 * The one way the browser follows a durable stream: the official `@durable-streams/client`
 * (`stream()`, live over SSE), which resumes by itself from the last offset when a connection ends
 * (the server's lifetime, a network drop: backoff, then the next offset), and decodes JSON and
 * base64 the protocol's way. Every batch it hands over ends at an offset the server named, with its
 * text, so a caller that saves the two together can resume after a reload with no gap and no
 * duplicate. Used by the `/durable` viewer and by the jobs page's background export.
 */

export type TailPhase = 'connecting' | 'live' | 'closed' | 'gone' | 'error'

/** What arrived up to one offset the server named (one SSE `control` event, or one long-poll answer). */
export interface TailBatch {
  /** The data as text: a text stream's text, a JSON stream's messages one per line, a binary stream's bytes summarised in hex. */
  text: string
  /** Bytes of data (decoded). */
  bytes: number
  /** The offset after this batch: where a reader that has it resumes. */
  offset: string
  upToDate: boolean
  /** The stream is closed and this was its end. */
  closed: boolean
}

export interface TailState {
  phase: TailPhase
  /** Why the last attempt failed; the tail is retrying (`phase: 'error'`) unless the stream is `gone`. */
  error: ApiError | undefined
}

/** Types shown as text (the protocol sends the non-`text/*` ones base64 over SSE; the client decodes them). */
const TEXT_TYPES = /^(text\/.+|application\/(x-)?ndjson|application\/jsonl|application\/xml|application\/.+\+(json|xml))$/

const kindOf = (contentType: string) => {
  const type = contentType.split(';')[0]!.trim().toLowerCase()
  return type === 'application/json' ? 'json' : TEXT_TYPES.test(type) ? 'text' : 'bytes'
}

function hexSummary(data: Uint8Array): string {
  const hex = Array.from(data.subarray(0, 32), (b) => b.toString(16).padStart(2, '0')).join(' ')
  return `[${data.byteLength} bytes] ${hex}${data.byteLength > 32 ? ' …' : ''}\n`
}

const encoder = new TextEncoder()

/** The tail's error in the app's shape: a refusal with its status, a network failure in words. */
function tailError(error: unknown): ApiError {
  if (error instanceof FetchError) {
    const body = error.json as { error?: { code?: string; message?: string } } | undefined
    const code =
      body?.error?.code ?? (error.status === 404 ? 'not_found:stream' : error.status === 410 ? 'gone:stream' : `unavailable:stream`)
    return new ApiError(code, body?.error?.message ?? `Reading the stream answered ${error.status}.`, { status: error.status })
  }
  const shaped = toApiError(error)
  return shaped.network ? new ApiError('unavailable:network', NETWORK_MESSAGE, { cause: error }) : shaped
}

/**
 * Follows the durable stream at `url` (nothing while `url` is undefined) from `from` (`-1`: the
 * start) until it is closed, calling `onBatch` for each batch in order. A new `url` or `from`
 * starts over; unmounting stops. `contentType`: the stream's, to decode its batches.
 */
export function useDurableTail(
  url: string | undefined,
  { from = '-1', contentType, onBatch }: { from?: string; contentType: string; onBatch: (batch: TailBatch) => void },
): TailState {
  const key = `${url} ${from}`
  /** The state of the tail of `key` (a new url or offset starts at `connecting`). */
  const [state, setState] = useState<TailState & { key: string }>({ key: '', phase: 'connecting', error: undefined })
  const handler = useRef(onBatch)
  useEffect(() => {
    handler.current = onBatch
  })

  useEffect(() => {
    if (url === undefined) return
    const controller = new AbortController()
    const { signal } = controller
    const kind = kindOf(contentType)
    const key = `${url} ${from}`

    const deliver = (meta: JsonBatchMeta, text: string, bytes: number) => {
      if (signal.aborted) return
      handler.current({ text, bytes, offset: meta.offset, upToDate: meta.upToDate, closed: meta.streamClosed })
      setState({ key, phase: meta.streamClosed ? 'closed' : 'live', error: undefined })
    }

    async function follow() {
      try {
        const res = await stream({
          url: new URL(url!, window.location.origin).href,
          offset: from,
          live: 'sse',
          signal,
          warnOnHttp: false,
          // Network failures and 5xx are retried with backoff (at most 5 s apart); say so meanwhile.
          backoffOptions: {
            initialDelay: 250,
            maxDelay: 5_000,
            multiplier: 2,
            onFailedAttempt: () =>
              !signal.aborted && setState({ key, phase: 'error', error: new ApiError('unavailable:network', NETWORK_MESSAGE) }),
          },
          sseResilience: { logWarnings: false },
        })
        if (kind === 'json') {
          res.subscribeJson((batch) => {
            const text = batch.items.map((item) => `${JSON.stringify(item)}\n`).join('')
            deliver(batch, text, encoder.encode(text).byteLength)
          })
        } else if (kind === 'text') {
          res.subscribeText((chunk) => deliver(chunk, chunk.text, encoder.encode(chunk.text).byteLength))
        } else {
          res.subscribeBytes((chunk) => deliver(chunk, chunk.data.byteLength > 0 ? hexSummary(chunk.data) : '', chunk.data.byteLength))
        }
        await res.closed
      } catch (error) {
        if (signal.aborted) return
        const failure = tailError(error)
        const gone = failure.status === 404 || failure.status === 410
        setState({ key, phase: gone ? 'gone' : 'error', error: failure })
      }
    }
    void follow()
    return () => controller.abort()
  }, [url, from, contentType])

  return url === undefined || state.key !== key ? { phase: 'connecting', error: undefined } : { phase: state.phase, error: state.error }
}
