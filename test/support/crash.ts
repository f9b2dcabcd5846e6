import { expect } from 'vitest'
import { deferred } from '@/lib/async'

/**
 * The crash scenario of durable streams, for any deployment: four idempotent producers append
 * numbered lines as fast as they can; after `killAfterAcks` acknowledgements something is
 * killed with SIGKILL (`crash`). Then, wherever `recover` says the data must be, every
 * acknowledged append must be there exactly once, untorn; nothing that was never sent may
 * appear; and each producer's retry of its in-flight append must be recognised (no duplicate)
 * or accepted once.
 */
const WRITERS = 4

export interface CrashScenario {
  /** Where the producers write until the crash. */
  baseUrl: string
  /** Kills something mid-stream (the app instance, or the database under it); `streamPath` is the stream's URL path. */
  crash(streamPath: string): Promise<void>
  /** Called once the stream exists, before the writers start (e.g. to start live readers). */
  started?(streamPath: string): void
  /** After the crash: the base URL that must hold every acknowledged append. */
  recover(): Promise<string>
  killAfterAcks?: number
}

const line = (writer: number, seq: number) => `w${writer}:${String(seq).padStart(6, '0')}\n`

function append(baseUrl: string, streamPath: string, writer: number, seq: number): Promise<Response> {
  return fetch(`${baseUrl}${streamPath}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain', 'Producer-Id': `w${writer}`, 'Producer-Epoch': '0', 'Producer-Seq': String(seq) },
    body: line(writer, seq),
  })
}

export async function appendThroughCrash(scenario: CrashScenario): Promise<void> {
  const killAfterAcks = scenario.killAfterAcks ?? 400
  const streamPath = `/v1/stream/crash/test-${Date.now()}-${Math.random().toString(36).slice(2)}`
  expect((await fetch(`${scenario.baseUrl}${streamPath}`, { method: 'PUT', headers: { 'Content-Type': 'text/plain' } })).status).toBe(201)
  scenario.started?.(streamPath)

  const acked = Array.from({ length: WRITERS }, () => -1) // highest acknowledged seq per writer
  const next = Array.from({ length: WRITERS }, () => 0) // seq of the append in flight (or next)
  const enough = deferred()
  let total = 0
  let crashing = false
  const writers = acked.map(async (_, writer) => {
    for (;;) {
      let response: Response
      try {
        response = await append(scenario.baseUrl, streamPath, writer, next[writer]!)
      } catch {
        return // the server died under us: this append's fate is unknown
      }
      if (response.status !== 200) {
        // After the crash began, a failed append's fate is unknown too; before, it is a bug.
        if (!crashing) enough.reject(new Error(`append answered ${response.status}: ${await response.text()}`))
        return
      }
      acked[writer] = next[writer]!
      next[writer]!++
      if (++total >= killAfterAcks) enough.resolve()
    }
  })
  await enough.promise
  crashing = true
  await scenario.crash(streamPath)
  await Promise.all(writers)

  const baseUrl = await scenario.recover()
  // Each writer retries the append that was in flight, then sends one more.
  // A 503 (the store or its replicas still coming back) is retried, as a client would, for up to 30 s.
  // A 503 may still have written on the master (only the replica's confirmation was missing): the
  // retry is then an acknowledged duplicate (204), which the producer headers make exactly-once.
  const untilAvailable = async (send: () => Promise<Response>, onRetry = () => {}) => {
    const deadline = Date.now() + 30_000
    for (;;) {
      const response = await send()
      if (response.status !== 503 || Date.now() > deadline) return response
      onRetry()
      await response.body?.cancel()
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  for (let writer = 0; writer < WRITERS; writer++) {
    const retry = await untilAvailable(() => append(baseUrl, streamPath, writer, next[writer]!))
    expect([200, 204]).toContain(retry.status)
    let retried = false
    const more = await untilAvailable(
      () => append(baseUrl, streamPath, writer, next[writer]! + 1),
      () => (retried = true),
    )
    expect(retried ? [200, 204] : [200]).toContain(more.status)
  }

  const content = await (await fetch(`${baseUrl}${streamPath}`)).text()
  expect(content.endsWith('\n')).toBe(true)
  const lines = content.slice(0, -1).split('\n')
  for (const l of lines) expect(l).toMatch(/^w\d:\d{6}$/)
  for (let writer = 0; writer < WRITERS; writer++) {
    const seqs = lines.filter((l) => l.startsWith(`w${writer}:`)).map((l) => Number(l.slice(3)))
    // 0 .. in-flight seq + 1, each exactly once and in order: nothing lost, nothing doubled.
    expect(seqs).toEqual(Array.from({ length: next[writer]! + 2 }, (_, i) => i))
  }
  expect(acked.reduce((sum, seq) => sum + seq + 1, 0)).toBeGreaterThanOrEqual(killAfterAcks)
}
