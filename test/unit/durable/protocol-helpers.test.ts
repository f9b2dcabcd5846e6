import { describe, expect, test } from 'vitest'
import { cursorFor } from '@/lib/durable/cursor'
import { encodeJsonBody, encodeJsonMessages, jsonArray, positionAfterMessages } from '@/lib/durable/json-mode'
import { decodeOffset, encodeOffset, readStart, startPosition } from '@/lib/durable/offset'
import { checkProtocolHeaders, closedFlag, mediaType, parseCount, producerClaim, requestedExpiry } from '@/lib/durable/protocol-headers'

const bytes = (s: string) => new TextEncoder().encode(s)

/** Splits `data` at random points, like a file or a network would. */
async function* randomChunks(data: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.byteLength;) {
    const size = 1 + Math.floor(Math.random() * 7)
    yield data.subarray(at, at + size)
    at += size
  }
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = []
  for await (const part of source) parts.push(part)
  return Buffer.concat(parts).toString()
}

describe('JSON mode', () => {
  const messages = [{ a: 1 }, 'line\nbreak', [1, [2]], null, 'é ✓ 𝄞', { nested: { deep: true } }]

  test('a top-level array is flattened one level; other values are one message; [] only on create', () => {
    expect(Buffer.from(encodeJsonBody(bytes('[{"a":1},[2,3]]'), { allowEmpty: false })).toString()).toBe('{"a":1}\n[2,3]\n')
    expect(Buffer.from(encodeJsonBody(bytes(' {"a" : 1} '), { allowEmpty: false })).toString()).toBe('{"a":1}\n')
    expect(Buffer.from(encodeJsonBody(bytes('[[[1]]]'), { allowEmpty: false })).toString()).toBe('[[1]]\n')
    expect(encodeJsonBody(bytes('[]'), { allowEmpty: true }).byteLength).toBe(0)
    expect(() => encodeJsonBody(bytes('[]'), { allowEmpty: false })).toThrow(/empty JSON array/)
    expect(() => encodeJsonBody(bytes('{oops'), { allowEmpty: false })).toThrow(/not valid JSON/)
    expect(() => encodeJsonBody(new Uint8Array([0x5b, 0xff, 0x5d]), { allowEmpty: false })).toThrow(/not valid JSON/)
  })

  test('stored lines read back as the same JSON array, however the bytes are chunked', async () => {
    const stored = encodeJsonMessages(messages)
    for (let run = 0; run < 20; run++) {
      const text = await collect(jsonArray(randomChunks(stored), stored.byteLength))
      expect(JSON.parse(text)).toEqual(messages)
    }
    expect(await collect(jsonArray(randomChunks(new Uint8Array(0)), 0))).toBe('[]')
  })

  test('message positions: the position after n messages, or undefined past the end', async () => {
    const stored = encodeJsonMessages(['a', 'bb', 'ccc'])
    expect(await positionAfterMessages(randomChunks(stored), 100, 0)).toBe(100)
    expect(await positionAfterMessages(randomChunks(stored), 100, 2)).toBe(100 + '"a"\n"bb"\n'.length)
    expect(await positionAfterMessages(randomChunks(stored), 0, 3)).toBe(stored.byteLength)
    expect(await positionAfterMessages(randomChunks(stored), 0, 4)).toBeUndefined()
  })
})

describe('offsets', () => {
  test('tokens sort like positions and round-trip', () => {
    const positions = [0, 9, 10, 11, 99, 12_345_678_901]
    const tokens = positions.map(encodeOffset)
    expect([...tokens].sort()).toEqual(tokens)
    expect(tokens.map((t) => decodeOffset(t))).toEqual(positions)
    expect(encodeOffset(5)).toBe('0000000000000000_0000000000000005')
  })

  test.each(['', 'abc', '0,1', '0 1', '../x', '1_2', '0000000000000000_000000000000000x', '9999999999999999_0000000000000000'])(
    'refuses %j',
    (token) => {
      const params = new URLSearchParams({ offset: token })
      expect(() => readStart(params)).toThrow(expect.objectContaining({ status: 400 }))
    },
  )

  test('-1 and now are sentinels; one offset only; never past the tail', () => {
    expect(readStart(new URLSearchParams('offset=-1'))).toEqual({ kind: 'start' })
    expect(readStart(new URLSearchParams('offset=now'))).toEqual({ kind: 'now' })
    expect(readStart(new URLSearchParams(''))).toBeUndefined()
    expect(() => readStart(new URLSearchParams('offset=-1&offset=now'))).toThrow(/only once/)
    expect(startPosition({ kind: 'now' }, 42)).toBe(42)
    expect(() => startPosition({ kind: 'at', position: 43 }, 42)).toThrow(/beyond the end/)
  })
})

describe('headers', () => {
  test('strict integers: no sign, leading zeros, point or exponent', () => {
    expect(parseCount('0', 'X')).toBe(0)
    expect(parseCount('3600', 'X')).toBe(3600)
    for (const bad of ['+1', '01', '1.0', '1e3', '-1', '', ' 1', '9007199254740993']) expect(() => parseCount(bad, 'X')).toThrow()
  })

  test('TTL or Expires-At, not both; RFC 3339 only', () => {
    const now = Date.UTC(2029, 11, 1)
    expect(requestedExpiry(new Headers({ 'Stream-TTL': '60' }), now)).toEqual({ kind: 'ttl', seconds: 60 })
    expect(requestedExpiry(new Headers({ 'Stream-Expires-At': '2030-01-01T00:00:00+01:00' }), now)).toEqual({
      kind: 'at',
      at: Date.UTC(2029, 11, 31, 23),
    })
    expect(requestedExpiry(new Headers(), now)).toBeUndefined()
    expect(() => requestedExpiry(new Headers({ 'Stream-TTL': '60', 'Stream-Expires-At': '2030-01-01T00:00:00Z' }), now)).toThrow(/not both/)
    expect(() => requestedExpiry(new Headers({ 'Stream-Expires-At': 'tomorrow' }), now)).toThrow(/RFC 3339/)
  })

  test('TTL from 1 s to 90 days; Expires-At in the future, at most 90 days ahead', () => {
    const now = Date.UTC(2029, 11, 1)
    const day = 86_400_000
    expect(requestedExpiry(new Headers({ 'Stream-TTL': '1' }), now)).toEqual({ kind: 'ttl', seconds: 1 })
    expect(requestedExpiry(new Headers({ 'Stream-TTL': '7776000' }), now)).toEqual({ kind: 'ttl', seconds: 7_776_000 })
    for (const ttl of ['0', '7776001', '8640000000000']) {
      expect(() => requestedExpiry(new Headers({ 'Stream-TTL': ttl }), now)).toThrow(expect.objectContaining({ code: 'bad_request:ttl' }))
    }
    const at = (ms: number) => new Headers({ 'Stream-Expires-At': new Date(ms).toISOString() })
    expect(requestedExpiry(at(now + 90 * day), now)).toEqual({ kind: 'at', at: now + 90 * day })
    for (const bad of [now, now - 1, now + 90 * day + 1]) {
      expect(() => requestedExpiry(at(bad), now)).toThrow(expect.objectContaining({ code: 'bad_request:expiry' }))
    }
    expect(() => requestedExpiry(new Headers({ 'Stream-Expires-At': '9999-12-31T23:59:59Z' }), now)).toThrow(/at most 90 days/)
  })

  test('protocol header values: at most 256 characters (2048 for Stream-Forked-From), never a comma', () => {
    expect(() =>
      checkProtocolHeaders(new Headers({ 'Producer-Id': 'p'.repeat(256), 'Stream-Forked-From': `/v1/stream/${'a'.repeat(2000)}` })),
    ).not.toThrow()
    expect(() => checkProtocolHeaders(new Headers({ 'Producer-Id': 'p'.repeat(257) }))).toThrow(
      expect.objectContaining({ code: 'bad_request:header_length' }),
    )
    expect(() => checkProtocolHeaders(new Headers({ 'Stream-Forked-From': 'a'.repeat(2049) }))).toThrow(
      expect.objectContaining({ code: 'bad_request:header_length' }),
    )
    const repeated = new Headers()
    repeated.append('Producer-Id', 'a')
    repeated.append('Producer-Id', 'b') // what Node.js makes of the header sent twice: "a, b"
    expect(() => checkProtocolHeaders(repeated)).toThrow(expect.objectContaining({ code: 'bad_request:header_repeated' }))
    expect(() => checkProtocolHeaders(new Headers({ 'Stream-Seq': 'x,y' }))).toThrow(
      expect.objectContaining({ code: 'bad_request:header_repeated' }),
    )
    expect(() => checkProtocolHeaders(new Headers({ 'Content-Type': 'text/plain; a=b, c=d', 'If-None-Match': '"a", "b"' }))).not.toThrow()
  })

  test('producer headers come all together; Stream-Closed only when exactly true', () => {
    expect(producerClaim(new Headers({ 'Producer-Id': 'p', 'Producer-Epoch': '1', 'Producer-Seq': '2' }))).toEqual({
      id: 'p',
      epoch: 1,
      seq: 2,
    })
    expect(producerClaim(new Headers())).toBeUndefined()
    expect(() => producerClaim(new Headers({ 'Producer-Id': 'p', 'Producer-Epoch': '1' }))).toThrow(/go together/)
    expect(() => producerClaim(new Headers({ 'Producer-Id': '', 'Producer-Epoch': '1', 'Producer-Seq': '0' }))).toThrow(/empty/)
    expect(closedFlag(new Headers({ 'Stream-Closed': 'TRUE' }))).toBe(true)
    for (const value of ['false', 'yes', '1', '']) expect(closedFlag(new Headers({ 'Stream-Closed': value }))).toBe(false)
  })

  test('media types compare without case or parameters', () => {
    expect(mediaType('Application/JSON; charset=utf-8')).toBe('application/json')
    expect(() => mediaType('not a type')).toThrow(/Malformed/)
  })
})

describe('cursors', () => {
  test('the current interval, or strictly ahead of an echoed cursor that is not behind', () => {
    const now = Date.UTC(2025, 0, 1)
    const current = Number(cursorFor(null, now))
    expect(current).toBe(Math.floor((now - Date.UTC(2024, 9, 9)) / 20_000))
    expect(cursorFor(String(current - 5), now)).toBe(String(current))
    for (let i = 0; i < 50; i++) {
      const next = Number(cursorFor(String(current), now))
      expect(next).toBeGreaterThan(current)
      expect(next).toBeLessThanOrEqual(current + 180)
    }
  })
})
