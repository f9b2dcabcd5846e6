import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { AppError } from '@/lib/errors'
import { defineStream, type StreamHandler } from '@/lib/typed/define'
import type { StreamFrame } from '@/lib/typed/frames'
import { silentLogger } from '@/lib/typed/logger'
import { startStream, type StreamRun } from '@/lib/typed/run'

type Chunk = { n: number }
type Final = { total: number }

let counter = 0

/** A definition with a unique name (the activity counters are per name) around `handler`. */
function define(handler: StreamHandler<{ count: number }, Chunk, Final>) {
  return defineStream({
    name: `test-run-${++counter}`,
    input: z.object({ count: z.number().int().min(0) }),
    chunk: z.object({ n: z.number().int() }),
    final: z.object({ total: z.number().int() }),
    handler,
  })
}

function start(definition: ReturnType<typeof define>, options: { validate?: boolean; cancelGraceMs?: number } = {}) {
  return startStream(definition, { count: 3 }, { request: new Request('http://test.local/'), logger: silentLogger, ...options })
}

async function collect(run: StreamRun<Chunk, Final>): Promise<StreamFrame<Chunk, Final>[]> {
  const frames: StreamFrame<Chunk, Final>[] = []
  for await (const frame of run.frames) frames.push(frame)
  return frames
}

const types = (frames: StreamFrame<unknown, unknown>[]) => frames.map((f) => f.type)

describe('typed stream run: frames', () => {
  it('sends start, the chunks and complete, with ids counting from 0', async () => {
    const run = start(
      define(async function ok({ count }, writer) {
        for (let n = 1; n <= count; n++) await writer.write({ n })
        writer.close({ total: count })
      }),
    )
    const frames = await collect(run)
    expect(frames).toEqual([
      { type: 'start', id: '0', data: { streamId: run.id } },
      { type: 'chunk', id: '1', data: { n: 1 } },
      { type: 'chunk', id: '2', data: { n: 2 } },
      { type: 'chunk', id: '3', data: { n: 3 } },
      { type: 'complete', id: '4', data: { total: 3 } },
    ])
    expect(run.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(await run.outcome).toEqual(frames[4])
  })

  it('turns a thrown AppError into an error frame with its code and message only', async () => {
    const run = start(
      define(async function fails(_input, writer) {
        await writer.write({ n: 1 })
        throw new AppError('conflict:demo', 'Demo conflict', { details: { secret: 1 } })
      }),
    )
    const frames = await collect(run)
    expect(types(frames)).toEqual(['start', 'chunk', 'error'])
    expect(frames[2]!.data).toStrictEqual({ code: 'conflict:demo', message: 'Demo conflict' })
  })

  it('hides an unknown error behind internal:unexpected, with no stack and no original message', async () => {
    const original = console.error
    console.error = () => {} // toAppError logs unknown errors on the server
    try {
      const run = start(
        define(async function crashes() {
          throw new TypeError('password=hunter2 at /srv/app.js:1')
        }),
      )
      const frames = await collect(run)
      expect(types(frames)).toEqual(['start', 'error'])
      expect(frames[1]!.data).toStrictEqual({ code: 'internal:unexpected', message: 'Something went wrong on the server' })
      expect(JSON.stringify(frames)).not.toMatch(/hunter2|app\.js|stack/)
    } finally {
      console.error = original
    }
  })

  it('sends error internal:stream_unclosed when the handler returns without closing', async () => {
    const run = start(
      define(async function forgets(_input, writer) {
        await writer.write({ n: 1 })
      }),
    )
    const frames = await collect(run)
    expect(types(frames)).toEqual(['start', 'chunk', 'error'])
    expect(frames[2]!.data).toMatchObject({ code: 'internal:stream_unclosed' })
  })

  it('sends fail(error) as an error frame', async () => {
    const run = start(
      define(async function failsOnPurpose(_input, writer) {
        writer.fail(new AppError('unavailable:upstream', 'The upstream is down'))
      }),
    )
    const frames = await collect(run)
    expect(frames.at(-1)).toMatchObject({ type: 'error', data: { code: 'unavailable:upstream', message: 'The upstream is down' } })
  })
})

describe('typed stream run: one terminal frame', () => {
  it('rejects every write, close and fail after the terminal frame, and sends nothing more', async () => {
    const errors: unknown[] = []
    const run = start(
      define(async function keepsGoing(_input, writer) {
        writer.close({ total: 0 })
        for (const attempt of [() => writer.write({ n: 9 }), () => writer.close({ total: 1 }), () => writer.fail(new Error('late'))]) {
          try {
            await attempt()
          } catch (error) {
            errors.push(error)
          }
        }
        throw new Error('thrown after close')
      }),
    )
    const frames = await collect(run)
    await run.settled
    expect(types(frames)).toEqual(['start', 'complete'])
    expect(errors).toHaveLength(3)
    for (const error of errors) expect(error).toMatchObject({ code: 'conflict:stream_closed' })
  })

  it('ends with error, not complete, when the handler fails and then tries to close', async () => {
    let closeError: unknown
    const run = start(
      define(async function failsThenCloses(_input, writer) {
        writer.fail(new AppError('bad_request:demo', 'Bad'))
        try {
          writer.close({ total: 1 })
        } catch (error) {
          closeError = error
        }
      }),
    )
    expect(types(await collect(run))).toEqual(['start', 'error'])
    expect(closeError).toMatchObject({ code: 'conflict:stream_closed' })
  })
})

describe('typed stream run: validation of what the handler sends', () => {
  it('ends with internal:invalid_chunk and throws to the handler for a chunk off its schema', async () => {
    let thrown: unknown
    const run = start(
      define(async function writesJunk(_input, writer) {
        try {
          await writer.write({ n: 'one' } as unknown as Chunk)
        } catch (error) {
          thrown = error
          throw error
        }
      }),
    )
    const frames = await collect(run)
    expect(types(frames)).toEqual(['start', 'error'])
    expect(frames[1]!.data).toMatchObject({ code: 'internal:invalid_chunk', message: expect.stringContaining('n:') })
    expect(thrown).toMatchObject({ code: 'internal:invalid_chunk' })
  })

  it('ends with internal:invalid_final for a final payload off its schema', async () => {
    const run = start(
      define(async function closesWithJunk(_input, writer) {
        writer.close({ total: 1.5 })
      }),
    )
    const frames = await collect(run)
    expect(frames.at(-1)).toMatchObject({ type: 'error', data: { code: 'internal:invalid_final' } })
  })

  it('does not check payloads when validation is off (production)', async () => {
    const run = start(
      define(async function unchecked(_input, writer) {
        await writer.write({ n: 'one' } as unknown as Chunk)
        writer.close({ total: 1 })
      }),
      { validate: false },
    )
    const frames = await collect(run)
    expect(types(frames)).toEqual(['start', 'chunk', 'complete'])
    expect(frames[1]!.data).toEqual({ n: 'one' })
  })
})
