'use client'

import { useCallback, useRef, useState } from 'react'

export type StreamPhase = 'idle' | 'connecting' | 'streaming' | 'done' | 'stopped' | 'error'

export interface ChunkArrival {
  /** ms since the request started */
  atMs: number
  bytes: number
}

export interface InspectorState {
  phase: StreamPhase
  /** ms from the request to the first chunk */
  firstByteMs: number | undefined
  chunks: number
  bytes: number
  elapsedMs: number
  timeline: ChunkArrival[]
  error: string | undefined
}

/** The timeline keeps at most this many points (large pipelines deliver thousands of chunks). */
const MAX_POINTS = 1_000

const initial: InspectorState = {
  phase: 'idle',
  firstByteMs: undefined,
  chunks: 0,
  bytes: 0,
  elapsedMs: 0,
  timeline: [],
  error: undefined,
}

/**
 * Records what a stream does as it arrives: time to first byte, chunk count, bytes, and the
 * arrival time of each chunk — the picture that proves data streamed instead of arriving at the end.
 */
export function useStreamInspector() {
  const [state, setState] = useState<InspectorState>(initial)
  const started = useRef(0)

  const begin = useCallback(() => {
    started.current = performance.now()
    setState({ ...initial, phase: 'connecting' })
  }, [])

  const chunk = useCallback((bytes: number) => {
    const atMs = performance.now() - started.current
    setState((s) => ({
      ...s,
      phase: 'streaming',
      firstByteMs: s.firstByteMs ?? atMs,
      chunks: s.chunks + 1,
      bytes: s.bytes + bytes,
      elapsedMs: atMs,
      timeline: s.timeline.length < MAX_POINTS ? [...s.timeline, { atMs, bytes }] : s.timeline,
    }))
  }, [])

  const end = useCallback((phase: 'done' | 'stopped' | 'error', error?: string) => {
    const atMs = performance.now() - started.current
    setState((s) => ({ ...s, phase, elapsedMs: atMs, error }))
  }, [])

  const reset = useCallback(() => setState(initial), [])

  return { state, begin, chunk, end, reset }
}
