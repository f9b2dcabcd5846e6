'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiError, toApiError } from '@/components/api/fetch'
import { isAbortError } from '@/lib/async'
import {
  openStream,
  StreamRequestError,
  type AnyStreamDefinition,
  type CancelReason,
  type ChunkOf,
  type FinalOf,
  type FrameType,
  type InputOf,
  type TypedStream,
} from '@/lib/typed/client'

export type TypedStreamStatus = 'idle' | 'streaming' | 'complete' | 'error' | 'cancelled'

/** Why a stream failed: the server's code and message; its `issues` hold the zod issues of a 400. */
export type TypedStreamError = ApiError

export interface TypedStreamState<D extends AnyStreamDefinition> {
  status: TypedStreamStatus
  /** Every chunk so far, in order. */
  chunks: ChunkOf<D>[]
  /** The `complete` payload, or the partial result a `cancel` frame carried. */
  final: FinalOf<D> | undefined
  error: TypedStreamError | undefined
  cancelReason: CancelReason | undefined
  streamId: string | undefined
  /** The type and id of every frame received, in order: what went over the wire. */
  frames: { type: FrameType; id: string }[]
  /** How many times the server ended a response at its lifetime and the run was resumed from the next frame. */
  reconnects: number
}

const idle = {
  status: 'idle',
  chunks: [],
  final: undefined,
  error: undefined,
  cancelReason: undefined,
  streamId: undefined,
  frames: [],
  reconnects: 0,
} as const satisfies TypedStreamState<AnyStreamDefinition>

function toError(error: unknown): TypedStreamError {
  if (error instanceof StreamRequestError) {
    return new ApiError(error.code, error.message, { status: error.status, details: error.details, cause: error })
  }
  return toApiError(error)
}

/**
 * Runs a typed stream from a component. `start(input)` opens it (aborting one still running),
 * `cancel()` asks the server to stop it, and the state follows the frames:
 * `idle → streaming → complete | error | cancelled`. Unmounting disconnects.
 *
 * ```tsx
 * const job = useTypedStream<typeof importJob>('/api/jobs/import')
 * job.start({ rows: 1000 })
 * ```
 */
export function useTypedStream<D extends AnyStreamDefinition>(endpoint: string, options: { headers?: HeadersInit } = {}) {
  const [state, setState] = useState<TypedStreamState<D>>(idle)
  const current = useRef<{ stream: TypedStream<D>; disconnect: AbortController; cancelled: boolean } | null>(null)
  const headers = options.headers

  const start = useCallback(
    async (input: InputOf<D>, startOptions: { body?: BodyInit } = {}) => {
      current.current?.disconnect.abort()
      const disconnect = new AbortController()
      const update = (change: (s: TypedStreamState<D>) => TypedStreamState<D>) => {
        if (current.current === run) setState(change)
      }
      const stream = openStream<D>(endpoint, input, {
        signal: disconnect.signal,
        body: startOptions.body,
        headers,
        onReconnect: () => update((s) => ({ ...s, reconnects: s.reconnects + 1 })),
      })
      const run = { stream, disconnect, cancelled: false }
      current.current = run
      update(() => ({ ...idle, status: 'streaming' }))
      try {
        for await (const frame of stream) {
          update((s) => ({ ...s, frames: [...s.frames, { type: frame.type, id: frame.id }] }))
          switch (frame.type) {
            case 'start':
              update((s) => ({ ...s, streamId: frame.data.streamId }))
              break
            case 'chunk':
              update((s) => ({ ...s, chunks: [...s.chunks, frame.data] }))
              break
            case 'complete':
              update((s) => ({ ...s, status: 'complete', final: frame.data }))
              break
            case 'error':
              update((s) => ({ ...s, status: 'error', error: toApiError(frame.data) }))
              break
            case 'cancel':
              update((s) => ({ ...s, status: 'cancelled', cancelReason: frame.data.reason, final: frame.data.final }))
              break
          }
        }
      } catch (error) {
        if (run.cancelled && isAbortError(error)) update((s) => ({ ...s, status: 'cancelled', cancelReason: 'requested' }))
        else if (!disconnect.signal.aborted) update((s) => ({ ...s, status: 'error', error: toError(error) }))
      } finally {
        if (current.current === run) current.current = null
      }
    },
    [endpoint, headers],
  )

  const cancel = useCallback(async () => {
    const run = current.current
    if (!run) return
    run.cancelled = true
    try {
      await run.stream.cancel()
    } catch (error) {
      // The server would not cancel: stop listening instead, which cancels it as a disconnect.
      run.disconnect.abort()
      setState((s) => ({ ...s, status: 'error', error: toError(error) }))
    }
  }, [])

  const reset = useCallback(() => {
    current.current?.disconnect.abort()
    current.current = null
    setState(idle)
  }, [])

  useEffect(() => () => current.current?.disconnect.abort(), [])

  return { ...state, start, cancel, reset }
}
