import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { QuietWatch, type Quiet } from '@/lib/stream/quiet-watch'
import { sseStream } from '@/lib/stream/sse'

describe('QuietWatch (shared heartbeat and lifetime timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.restoreAllMocks()
  })

  it('serves the heartbeats of many streams with one timer', async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout')
    const watches = Array.from({ length: 500 }, () => new QuietWatch({ heartbeatMs: 1000 }))
    const results: Quiet[] = []
    for (const watch of watches) void watch.next().then((quiet) => results.push(quiet))
    await vi.advanceTimersByTimeAsync(999)
    expect(results).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(results).toEqual(Array<Quiet>(500).fill('quiet'))
    // One timer for the 500 (re-armed once per due group), not 500.
    expect(setTimeoutSpy.mock.calls.length).toBeLessThanOrEqual(2)
    for (const watch of watches) watch.dispose()
  })

  it('activity starts the quiet period again; the deadline comes once; abort ends the wait', async () => {
    const controller = new AbortController()
    const watch = new QuietWatch({ heartbeatMs: 100, deadlineMs: 250 }, controller.signal)
    const seen: Array<[number, Quiet]> = []
    const start = Date.now()
    const listen = () => void watch.next().then((quiet) => seen.push([Date.now() - start, quiet]))
    listen()
    await vi.advanceTimersByTimeAsync(60)
    watch.activity() // something was sent at 60: quiet at 160, not 100 (and the next wait is a new promise)
    listen()
    await vi.advanceTimersByTimeAsync(60)
    expect(seen).toEqual([])
    await vi.advanceTimersByTimeAsync(40)
    expect(seen).toEqual([[160, 'quiet']])
    watch.activity()
    listen()
    await vi.advanceTimersByTimeAsync(90)
    expect(seen).toEqual([
      [160, 'quiet'],
      [250, 'deadline'],
    ])
    listen()
    controller.abort()
    await vi.advanceTimersByTimeAsync(0)
    expect(seen.at(-1)).toEqual([250, 'aborted'])
    watch.dispose()
  })

  it('sseStream sends heartbeats from the shared clock while its source is quiet', async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout')
    async function* silent(): AsyncGenerator<never> {
      await new Promise(() => {})
    }
    const streams = Array.from({ length: 50 }, () => sseStream(silent, { heartbeatMs: 1000 }))
    const readers = streams.map((s) => s.getReader())
    const decoder = new TextDecoder()
    const text = readers.map(() => '')
    const pumps = readers.map(async (reader, i) => {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        text[i] += decoder.decode(value)
        if (text[i]!.includes(': heartbeat')) return
      }
    })
    await vi.advanceTimersByTimeAsync(1000)
    await Promise.all(pumps)
    expect(text.every((t) => t.includes(': heartbeat'))).toBe(true)
    expect(setTimeoutSpy.mock.calls.length).toBeLessThanOrEqual(3)
    for (const reader of readers) await reader.cancel()
  })
})
