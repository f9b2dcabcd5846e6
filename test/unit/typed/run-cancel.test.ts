import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { activitySnapshot } from '@/lib/activity'
import { deferred, isAbortError } from '@/lib/async'
import { defineStream, type StreamHandler } from '@/lib/typed/define'
import type { StreamFrame } from '@/lib/typed/frames'
import { silentLogger } from '@/lib/typed/logger'
import { startStream, type StreamRun } from '@/lib/typed/run'

type Chunk = { n: number }
type Final = { total: number }

let counter = 0

function define(handler: StreamHandler<Record<string, never>, Chunk, Final>) {
  return defineStream({
    name: `test-cancel-${++counter}`,
    input: z.object({}),
    chunk: z.object({ n: z.number() }),
    final: z.object({ total: z.number() }),
    handler,
  })
}

function start(definition: ReturnType<typeof define>, cancelGraceMs = 60_000) {
  return startStream(definition, {}, { request: new Request('http://test.local/'), logger: silentLogger, cancelGraceMs })
}

async function next(run: StreamRun<Chunk, Final>): Promise<StreamFrame<Chunk, Final>> {
  const result = await run.frames.next()
  if (result.done) throw new Error('the frames ended')
  return result.value
}

/** Runs queued callbacks (promise jobs, then one macrotask turn). */
const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('typed stream run: cancellation', () => {
  it('lets the handler see the cancel and report a partial result in the cancel frame', async () => {
    const observed = deferred<{ cancelled: boolean; aborted: boolean; writeError: unknown }>()
    const run = start(
      define(async function countsUntilCancelled(_input, writer) {
        let n = 0
        try {
          for (;;) await writer.write({ n: ++n })
        } catch (error) {
          observed.resolve({ cancelled: writer.cancelled, aborted: writer.signal.aborted, writeError: error })
        }
        writer.close({ total: n - 1 })
      }),
    )
    expect((await next(run)).type).toBe('start')
    expect(await next(run)).toMatchObject({ type: 'chunk', data: { n: 1 } })
    expect(await next(run)).toMatchObject({ type: 'chunk', data: { n: 2 } })
    expect(run.cancel('requested')).toBe(true)
    expect(run.cancel('requested')).toBe(false)
    const seen = await observed.promise
    expect(seen.cancelled).toBe(true)
    expect(seen.aborted).toBe(true)
    expect(isAbortError(seen.writeError)).toBe(true)
    // The chunk written before the cancel is still delivered, then the one terminal frame.
    const rest: StreamFrame<Chunk, Final>[] = []
    for await (const frame of run.frames) rest.push(frame)
    expect(rest.map((f) => f.type)).toEqual(['chunk', 'cancel'])
    expect(rest[1]!.data).toEqual({ reason: 'requested', final: { total: 2 } })
  })

  it('sends cancel without a result when the handler just throws on the aborted signal', async () => {
    const run = start(
      define(async function waitsForever(_input, writer) {
        await new Promise((_, reject) => writer.signal.addEventListener('abort', () => reject(writer.signal.reason)))
      }),
    )
    expect((await next(run)).type).toBe('start')
    run.cancel('requested')
    expect(await next(run)).toMatchObject({ type: 'cancel', data: { reason: 'requested' } })
    expect((await run.frames.next()).done).toBe(true)
  })

  it('sends cancel after the grace period when the handler ignores the cancel, and refuses its later writes', async () => {
    const release = deferred()
    const late = deferred<unknown>()
    const run = start(
      define(async function ignoresCancel(_input, writer) {
        await release.promise
        try {
          await writer.write({ n: 1 })
        } catch (error) {
          late.resolve(error)
        }
      }),
      5,
    )
    await next(run)
    run.cancel('requested')
    expect(await next(run)).toEqual({ type: 'cancel', id: '1', data: { reason: 'requested' } })
    release.resolve()
    expect(await late.promise).toMatchObject({ code: 'conflict:stream_closed' })
    await run.settled
  })

  it('treats the consumer leaving as a disconnect: the handler stops and its activity counter drops', async () => {
    const running = deferred()
    const stopped = deferred<string>()
    const definition = define(async function longJob(_input, writer, context) {
      running.resolve()
      await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve()))
      stopped.resolve(String(writer.cancelled))
    })
    const run = start(definition)
    await next(run)
    await running.promise
    expect(activitySnapshot().activeByKind[`stream:${definition.name}`]).toBe(1)
    await run.frames.return!()
    expect(await stopped.promise).toBe('true')
    await run.settled
    expect(activitySnapshot().activeByKind[`stream:${definition.name}`]).toBeUndefined()
    expect(await run.outcome).toMatchObject({ type: 'cancel', data: { reason: 'disconnected' } })
  })

  it('does not cancel a stream that has ended', async () => {
    const run = start(
      define(async function quick(_input, writer) {
        writer.close({ total: 0 })
      }),
    )
    await run.outcome
    expect(run.cancel('requested')).toBe(false)
    expect((await run.outcome).type).toBe('complete')
  })
})

describe('typed stream run: backpressure', () => {
  it('resolves a write only when the consumer takes the chunk', async () => {
    const taken: number[] = []
    const run = start(
      define(async function producer(_input, writer) {
        for (let n = 1; n <= 3; n++) {
          await writer.write({ n })
          taken.push(n)
        }
        writer.close({ total: 3 })
      }),
    )
    await next(run) // start
    await tick()
    expect(taken).toEqual([]) // chunk 1 is written, not taken
    expect(await next(run)).toMatchObject({ data: { n: 1 } })
    await tick()
    expect(taken).toEqual([1])
    expect(await next(run)).toMatchObject({ data: { n: 2 } })
    await tick()
    expect(taken).toEqual([1, 2])
  })
})
