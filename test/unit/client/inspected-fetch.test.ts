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

  test('a refusal names its status and the app\'s error code; a body that breaks off midway is an error, not "done"', async () => {
    const limited = recorder()
    const shaped = JSON.stringify({ error: { code: 'rate_limited:model', message: 'Too many answers at once' } })
    const res = await inspectedFetch(limited.observer, answering(429, [shaped]))('http://x/')
    expect(limited.events).toEqual(['begin', 'end error HTTP 429 rate_limited:model: Too many answers at once'])
    expect(await res.json()).toEqual(JSON.parse(shaped)) // the caller still reads the refusal

    const broken = recorder()
    const breaking: typeof fetch = async () => {
      let sent = false
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent) controller.error(new TypeError('network error'))
          else controller.enqueue(new TextEncoder().encode('abc'))
          sent = true
        },
      })
      return new Response(body, { status: 200 })
    }
    const streamed = await inspectedFetch(broken.observer, breaking)('http://x/')
    await expect(streamed.text()).rejects.toThrow('network error')
    expect(broken.events).toEqual(['begin', 'chunk 3', 'end error the body broke off: TypeError: network error'])
  })

  test('the end is told once: an abort after the body ended leaves it "done"', async () => {
    const { events, observer } = recorder()
    const controller = new AbortController()
    const res = await inspectedFetch(observer, answering(200, ['a']))('http://x/', { signal: controller.signal })
    expect(await res.text()).toBe('a')
    controller.abort()
    expect(events).toEqual(['begin', 'chunk 1', 'end done'])
  })
})
