import { openStream } from '@/lib/activity'
import { config } from '@/lib/config'
import { cursorFor } from '@/lib/durable/cursor'
import { linesToArrayText, wholeLinesLength } from '@/lib/durable/json-mode'
import { encodeOffset, type ReadStart } from '@/lib/durable/offset'
import { liveStream, readPosition, type StreamRequest } from '@/lib/durable/protocol-common'
import { touchIfSliding } from '@/lib/durable/protocol-read'
import { H, isJsonType, isTextType } from '@/lib/durable/protocol-headers'
import { followStream } from '@/lib/durable/follow'
import type { StreamMeta } from '@/lib/durable/store'
import type { TailAppend } from '@/lib/durable/tail'
import { lifetimeDeadline, type SseAside, type SseMessage, sseResponse } from '@/lib/stream'

/**
 * `GET ?live=sse` (PROTOCOL.md §5.8): catch up, then tail. Every `data` event is followed by a
 * `control` event carrying the offset after it, so a client can resume from any control event;
 * JSON streams send each batch as a complete array, binary streams base64 (one independent
 * encoding per event). The connection ends right after a `control` event — the protocol's own
 * "resume from here" (§5.8: servers close SSE connections every ~60 s; clients reconnect from the
 * last `streamNextOffset`) — once `SLUICE_STREAMS_SSE_MAX_MS` or the server-wide lifetime
 * (`SLUICE_STREAM_LIFETIME_MS`, whichever is shorter) has passed, even in the middle of a long
 * catch-up, or when the stream is closed and fully delivered.
 */

type Encoding = 'json' | 'text' | 'base64'

/** A JSON event carries at most about this many bytes of messages. */
const JSON_BATCH = 64 * 1024

/**
 * Turns what the follower yields into `data` payloads, each with the position after it: text and
 * base64 one per read chunk; JSON whole messages only, batched up to {@link JSON_BATCH} bytes (a
 * batch is sent early when it reaches the tail, which is always a message boundary). One per
 * reader, called once per chunk: a plain object, not another async generator between the
 * follower and the events (every live reader runs this for every append).
 */
class Payloads {
  private readonly text = new TextDecoder()
  private pending = Buffer.alloc(0)
  private position = 0

  /** The text decoder holds the start of a character split across two chunks. */
  private carry = false

  constructor(private readonly encoding: Encoding) {}

  /**
   * The payload of `item` as any reader with nothing carried over would make it, or `undefined`
   * when this reader's payload depends on what came before (a JSON batch or a character still
   * incomplete) or `item` leaves something for the next one: then {@link next} makes it. A reader
   * that takes this payload keeps its state as it was (nothing to carry).
   */
  static alone(item: Omit<TailAppend, 'shared'>, encoding: Encoding): { data: string; end: number } | undefined {
    const chunk = item.bytes
    if (encoding === 'base64') return { data: base64(chunk), end: item.end }
    if (encoding === 'text') return endsOnCharacter(chunk) ? { data: new TextDecoder().decode(chunk), end: item.end } : undefined
    const whole = wholeLinesLength(chunk)
    if (whole !== chunk.byteLength || whole === 0 || (whole < JSON_BATCH && item.end < item.meta.tail)) return undefined
    return { data: linesToArrayText(chunk), end: item.end }
  }

  /** Whether the next payload depends on the next chunk alone (see {@link alone}). */
  get clean(): boolean {
    return this.encoding === 'json' ? this.pending.byteLength === 0 : !this.carry
  }

  /** The payload for `item` (read by the reader's own follow, or handed over at the tail), or `undefined` while a JSON batch is still incomplete. */
  next(item: Omit<TailAppend, 'shared'>): { data: string; end: number } | undefined {
    const chunk = item.bytes
    if (this.encoding !== 'json') {
      if (this.encoding === 'base64') return { data: base64(chunk), end: item.end }
      this.carry = !endsOnCharacter(chunk)
      return { data: this.text.decode(chunk, { stream: true }), end: item.end }
    }
    if (this.pending.byteLength === 0) this.position = item.end - chunk.byteLength
    this.pending = Buffer.concat([this.pending, chunk])
    const whole = wholeLinesLength(this.pending)
    if (whole === 0 || (whole < JSON_BATCH && item.end < item.meta.tail)) return undefined
    this.position += whole
    const data = linesToArrayText(this.pending.subarray(0, whole))
    this.pending = this.pending.subarray(whole)
    return { data, end: this.position }
  }
}

/** One chunk's base64 payload (each event of a binary stream is encoded on its own). */
function base64(chunk: Uint8Array): string {
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64')
}

/**
 * Whether `bytes` end on a whole UTF-8 character, so that a streaming decoder keeps nothing back.
 * Bytes that are not valid UTF-8 count as ending one (the decoder replaces them); a chunk of only
 * continuation bytes does not (they may finish a character begun before).
 */
function endsOnCharacter(bytes: Uint8Array): boolean {
  const n = bytes.byteLength
  for (let back = 1; back <= Math.min(4, n); back++) {
    const byte = bytes[n - back]!
    if ((byte & 0xc0) === 0x80) continue // a continuation byte: look further back for its lead
    const length = byte < 0x80 ? 1 : byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
    return back >= length
  }
  return n === 0
}

export async function sseRead(req: StreamRequest, start: ReadStart): Promise<Response> {
  const { store, path, request } = req
  const first = await liveStream(store, path)
  await touchIfSliding(store, first)
  const from = await readPosition(store, first, start)
  const encoding: Encoding = isJsonType(first.contentType) ? 'json' : isTextType(first.contentType) ? 'text' : 'base64'
  const clientCursor = req.url.searchParams.get('cursor')

  const control = (meta: StreamMeta, position: number, cursor = cursorFor(clientCursor)): SseMessage => {
    const atTail = position === meta.tail
    const body =
      meta.closed && atTail
        ? { streamNextOffset: encodeOffset(position), streamClosed: true, upToDate: true }
        : { streamNextOffset: encodeOffset(position), streamCursor: cursor, ...(atTail ? { upToDate: true } : {}) }
    return { event: 'control', data: JSON.stringify(body) }
  }

  /**
   * The `data` and `control` events of an append handed over at the tail, framed as every reader of
   * this encoding and cursor sends them: by the first reader, then reused by the others (`null`
   * when the append's payload depends on what each reader carries over).
   */
  const sharedFrame = (append: TailAppend, cursor: string, aside: SseAside): Uint8Array | null => {
    const key = `sse ${encoding} ${cursor}`
    let frame = append.shared.get(key) as Uint8Array | null | undefined
    if (frame === undefined) {
      const payload = Payloads.alone(append, encoding)
      frame = payload ? aside.frame([{ event: 'data', data: payload.data }, control(append.meta, payload.end, cursor)]) : null
      append.shared.set(key, frame)
    }
    return frame
  }

  async function* messages(signal: AbortSignal, aside: SseAside): AsyncGenerator<SseMessage | SseMessage[]> {
    const deadline = lifetimeDeadline(config().SLUICE_STREAMS_SSE_MAX_MS)
    const payloads = new Payloads(encoding)
    // At the tail of an open stream, each append is offered here by the stream's shared follower
    // (`tail.ts`) and sent at once beside the pull, while the response has room and time is left;
    // otherwise it comes through the loop below like everything else.
    const atTail = (append: TailAppend): boolean => {
      if (deadline.passed() || !aside.ready()) return false
      const frame = payloads.clean ? sharedFrame(append, cursorFor(clientCursor), aside) : null
      if (frame) {
        aside.send(frame)
        return true
      }
      const payload = payloads.next(append)
      if (payload) aside.send([{ event: 'data', data: payload.data }, control(append.meta, payload.end)])
      return true
    }
    // Each wait for an append lasts at most until the deadline; then the follower looks once more and we end.
    const items = followStream(store, first, from, { signal, waitMs: () => Math.max(0, deadline.remaining()), atTail })
    let announced = false
    let announcedClosed = false
    for await (const item of items) {
      if (item.kind === 'data') {
        const payload = payloads.next(item)
        if (!payload) continue
        // The data event and the control event after it go out as one write.
        yield [{ event: 'data', data: payload.data }, control(item.meta, payload.end)]
        announced = true
        announcedClosed = item.meta.closed && payload.end === item.meta.tail
        if (deadline.passed()) return // right after a control event: the client resumes from it
        continue
      }
      // Caught up: say so once, and again when the stream was closed without new data.
      if (!announced || (item.meta.closed && !announcedClosed)) {
        yield control(item.meta, item.position)
        announced = true
        announcedClosed = item.meta.closed
      }
      if (deadline.remaining() <= 0) return
    }
  }

  const headers = new Headers({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })
  if (encoding === 'base64') headers.set(H.sseEncoding, 'base64')
  const release = openStream('durable-sse')
  return sseResponse(messages, { headers, signal: request.signal, done: false, compact: true, onEnd: release })
}
