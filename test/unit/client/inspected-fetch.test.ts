import { describe, expect, test } from 'vitest'
import { inspectedFetch, type StreamObserver } from '@/components/inspector/inspected-fetch'

/** Records what the inspector would be told, in order. */
function recorder() {
  const events: string[] = []
  const observer: StreamObserver = {
    begin: () => events.push('begin'),
    reset: () => events.push('reset'),
    chunk: (bytes) => events.push(`chunk ${bytes}`),
    end: (phase, error) => events.push(error ? `end ${phase} ${error}` : `end ${phase}`),
  }
  return { events, observer }
}

/** A fetch answering with a body of the given pieces, each enqueued only when the reader pulls. */
const answering =
  (status: number, pieces: string[]): typeof fetch =>
  async () => {
    let i = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i < pieces.length) controller.enqueue(new TextEncoder().encode(pieces[i++]))
        else controller.close()
      },
    })
    return new Response(status === 204 ? null : body, { status })
  }

describe('inspectedFetch', () => {
  test('reports each piece as the caller reads it, then the end, and passes the body on unchanged', async () => {
    const { events, observer } = recorder()
    const res = await inspectedFetch(observer, answering(200, ['ab', 'cde']))('http://x/')
    expect(events).toEqual(['begin']) // nothing read yet: nothing counted
    const reader = res.body!.getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toBe('ab')
    expect(events).toEqual(['begin', 'chunk 2'])
    expect(
      await new Response(
        new ReadableStream({
          pull: async (c) => {
            const r = await reader.read()
            if (r.done) c.close()
            else c.enqueue(r.value)
          },
        }),
      ).text(),
    ).toBe('cde')
    expect(events).toEqual(['begin', 'chunk 2', 'chunk 3', 'end done'])
  })

  test('a refusal is returned as it is and recorded as an error; a 204 shows nothing', async () => {
    const refused = recorder()
    const res = await inspectedFetch(refused.observer, answering(429, ['{}']))('http://x/')
    expect(res.status).toBe(429)
    expect(refused.events).toEqual(['begin', 'end error HTTP 429'])
    const empty = recorder()
    await inspectedFetch(empty.observer, answering(204, []))('http://x/')
    expect(empty.events).toEqual(['begin', 'reset'])
  })

  test('an abort while reading is "stopped"; a fetch that fails is an error', async () => {
    const stopped = recorder()
    const controller = new AbortController()
    await inspectedFetch(stopped.observer, answering(200, ['a']))('http://x/', { signal: controller.signal })
    controller.abort()
    expect(stopped.events).toEqual(['begin', 'end stopped'])
    const failed = recorder()
    const fails: typeof fetch = async () => {
      throw new TypeError('Failed to fetch')
    }
    await expect(inspectedFetch(failed.observer, fails)('http://x/')).rejects.toThrow('Failed to fetch')
    expect(failed.events).toEqual(['begin', 'end error TypeError: Failed to fetch'])
  })
})
