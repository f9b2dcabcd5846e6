import { describe, expect, test } from 'vitest'
import type { StreamRequest } from '@/lib/durable/protocol-common'
import { GAP_WAIT_MS, MAX_WAITED_GAP } from '@/lib/durable/producer-order'
import { appendToStream, createStream } from '@/lib/durable/protocol-write'
import { tempStore } from './temp-store'

// Pipelined batches of one producer can overtake each other on the way in: the later one waits
// for the earlier one still arriving here, instead of a 409 that makes the client send it again.

const store = tempStore('producer-order')

const url = (p: string) => new URL(`http://localhost/v1/stream/${p}`)

function request(p: string, method: string, headers: Record<string, string>, body: AsyncIterable<Uint8Array> | null): StreamRequest {
  return { request: new Request(url(p), { method, headers }), url: url(p), path: p, store: store(), body }
}

/** A body that arrives when `release()` is called. */
function heldBody(text: string): { body: AsyncIterable<Uint8Array>; release: () => void } {
  let release!: () => void
  const arrived = new Promise<void>((resolve) => (release = resolve))
  return {
    release,
    body: (async function* () {
      await arrived
      yield new TextEncoder().encode(text)
    })(),
  }
}

const now = (text: string): AsyncIterable<Uint8Array> =>
  (async function* () {
    yield new TextEncoder().encode(text)
  })()
const claim = (seq: number) => ({ 'Content-Type': 'text/plain', 'Producer-Id': 'p', 'Producer-Epoch': '0', 'Producer-Seq': String(seq) })

async function contents(p: string): Promise<string> {
  const found = await store().lookup(p)
  if (found.state !== 'live') throw new Error(found.state)
  let text = ''
  for await (const chunk of store().read(found.meta, 0, found.meta.tail)) text += new TextDecoder().decode(chunk)
  return text
}

async function created(p: string): Promise<void> {
  expect((await createStream(request(p, 'PUT', { 'Content-Type': 'text/plain' }, null))).status).toBe(201)
}

/** A new stream at `p` to which the producer of {@link claim} has sent sequence 0 (`text`), accepted. */
async function afterSequenceZero(p: string, text: string): Promise<void> {
  await created(p)
  expect((await appendToStream(request(p, 'POST', claim(0), now(text)))).status).toBe(200)
}

describe('appends of one producer that overtook each other', () => {
  test('a later batch waits for the earlier one still arriving, then both are accepted in order', async () => {
    await afterSequenceZero('order/a', 'zero ')
    const first = heldBody('one ')
    const one = appendToStream(request('order/a', 'POST', claim(1), first.body))
    let twoSettled = false
    const two = appendToStream(request('order/a', 'POST', claim(2), now('two'))).finally(() => (twoSettled = true))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(twoSettled).toBe(false) // not answered 409: waiting for sequence 1
    first.release()
    expect((await one).status).toBe(200)
    const answer = await two
    expect(answer.status).toBe(200)
    expect(answer.headers.get('Producer-Seq')).toBe('2')
    expect(await contents('order/a')).toBe('zero one two')
  })

  test('a batch that arrived before the earlier one started arriving waits for it too', async () => {
    await afterSequenceZero('order/e', 'zero ')
    const two = appendToStream(request('order/e', 'POST', claim(2), now('two')))
    await new Promise((resolve) => setTimeout(resolve, GAP_WAIT_MS / 5))
    const one = appendToStream(request('order/e', 'POST', claim(1), now('one ')))
    expect((await one).status).toBe(200)
    expect((await two).status).toBe(200)
    expect(await contents('order/e')).toBe('zero one two')
  })

  test("a new epoch's second batch waits for its first one still arriving", async () => {
    await afterSequenceZero('order/g', 'zero ')
    const first = heldBody('one ')
    const epochOne = (seq: number) => ({ ...claim(seq), 'Producer-Epoch': '1' })
    const one = appendToStream(request('order/g', 'POST', epochOne(0), first.body))
    const two = appendToStream(request('order/g', 'POST', epochOne(1), now('two')))
    first.release()
    expect((await one).status).toBe(200)
    expect((await two).status).toBe(200)
    expect(await contents('order/g')).toBe('zero one two')
  })

  test('a real gap (the missing sequence never comes) is answered 409, at most GAP_WAIT_MS later', async () => {
    await afterSequenceZero('order/b', 'zero')
    // Were it held until the gap closes, the test would time out.
    await expect(appendToStream(request('order/b', 'POST', claim(2), now('two')))).rejects.toMatchObject({
      code: 'conflict:producer_seq',
    })
  })

  test('a gap larger than a pipeline is answered without waiting, even for a missing batch in flight', async () => {
    await afterSequenceZero('order/f', 'zero')
    const held = heldBody('one')
    const one = appendToStream(request('order/f', 'POST', claim(1), held.body))
    await expect(appendToStream(request('order/f', 'POST', claim(MAX_WAITED_GAP + 2), now('far')))).rejects.toMatchObject({
      code: 'conflict:producer_seq',
    })
    held.release()
    expect((await one).status).toBe(200)
  })

  test('when the earlier batch fails, the later one gets the 409 the gap deserves', async () => {
    await afterSequenceZero('order/c', 'zero')
    const failing = (async function* (): AsyncGenerator<Uint8Array> {
      await new Promise((resolve) => setTimeout(resolve, 30))
      throw new Error('client went away')
    })()
    const one = appendToStream(request('order/c', 'POST', claim(1), failing))
    const two = appendToStream(request('order/c', 'POST', claim(2), now('two')))
    await expect(one).rejects.toThrow('client went away')
    await expect(two).rejects.toMatchObject({ code: 'conflict:producer_seq' })
    expect(await contents('order/c')).toBe('zero')
  })

  test('the same sequences of another producer are not waited for', async () => {
    await created('order/d')
    const other = heldBody('other')
    const pending = appendToStream(
      request(
        'order/d',
        'POST',
        { 'Content-Type': 'text/plain', 'Producer-Id': 'q', 'Producer-Epoch': '0', 'Producer-Seq': '1' },
        other.body,
      ),
    )
    expect((await appendToStream(request('order/d', 'POST', claim(0), now('p0')))).status).toBe(200)
    await expect(appendToStream(request('order/d', 'POST', claim(3), now('p3')))).rejects.toMatchObject({ code: 'conflict:producer_seq' })
    other.release()
    await expect(pending).rejects.toMatchObject({ code: 'conflict:producer_seq' }) // q never sent 0
  })
})
