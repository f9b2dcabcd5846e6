import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { deferred } from '@/lib/async'
import { startServer, type TestServer } from '../support/server'

/**
 * Crash safety: four idempotent producers append numbered lines as fast as they can; the server
 * is killed with SIGKILL mid-stream and restarted on the same data directory. Every acknowledged
 * append must be there, exactly once, untorn; nothing that was never sent may appear; and each
 * producer's retry of its in-flight append must be recognised (no duplicate) or accepted once.
 */
const WRITERS = 4
const KILL_AFTER_ACKS = 400

let dataDir: string | undefined
let server: TestServer | undefined

afterAll(async () => {
  await server?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

const line = (writer: number, seq: number) => `w${writer}:${String(seq).padStart(6, '0')}\n`

function append(baseUrl: string, streamPath: string, writer: number, seq: number): Promise<Response> {
  return fetch(`${baseUrl}${streamPath}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain', 'Producer-Id': `w${writer}`, 'Producer-Epoch': '0', 'Producer-Seq': String(seq) },
    body: line(writer, seq),
  })
}

test('SIGKILL during appends loses no acknowledged append and adds nothing else', async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'sluice-crash-'))
  server = await startServer({ dataDir })
  const streamPath = `/v1/stream/crash/test-${Date.now()}`
  expect((await fetch(`${server.baseUrl}${streamPath}`, { method: 'PUT', headers: { 'Content-Type': 'text/plain' } })).status).toBe(201)

  const acked = Array.from({ length: WRITERS }, () => -1) // highest acknowledged seq per writer
  const next = Array.from({ length: WRITERS }, () => 0) // seq of the append in flight (or next)
  const enough = deferred()
  let total = 0
  const victim = server
  const writers = acked.map(async (_, writer) => {
    for (;;) {
      let response: Response
      try {
        response = await append(victim.baseUrl, streamPath, writer, next[writer]!)
      } catch {
        return // the server died under us: this append's fate is unknown
      }
      if (response.status !== 200) {
        enough.reject(new Error(`append answered ${response.status}: ${await response.text()}`))
        return
      }
      acked[writer] = next[writer]!
      next[writer]!++
      if (++total >= KILL_AFTER_ACKS) enough.resolve()
    }
  })
  await enough.promise
  await victim.kill()
  await Promise.all(writers)

  server = await startServer({ dataDir })
  // Each writer retries the append that was in flight, then sends one more.
  for (let writer = 0; writer < WRITERS; writer++) {
    const retry = await append(server.baseUrl, streamPath, writer, next[writer]!)
    expect([200, 204]).toContain(retry.status)
    expect((await append(server.baseUrl, streamPath, writer, next[writer]! + 1)).status).toBe(200)
  }

  const content = await (await fetch(`${server.baseUrl}${streamPath}`)).text()
  expect(content.endsWith('\n')).toBe(true)
  const lines = content.slice(0, -1).split('\n')
  for (const l of lines) expect(l).toMatch(/^w\d:\d{6}$/)
  for (let writer = 0; writer < WRITERS; writer++) {
    const seqs = lines.filter((l) => l.startsWith(`w${writer}:`)).map((l) => Number(l.slice(3)))
    // 0 .. in-flight seq + 1, each exactly once and in order: nothing lost, nothing doubled.
    expect(seqs).toEqual(Array.from({ length: next[writer]! + 2 }, (_, i) => i))
  }
  expect(acked.reduce((sum, seq) => sum + seq + 1, 0)).toBeGreaterThanOrEqual(KILL_AFTER_ACKS)
})
