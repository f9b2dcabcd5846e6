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

  constructor(private readonly encoding: Encoding) {}

  /** The payload for `item` (read by the reader's own follow, or handed over at the tail), or `undefined` while a JSON batch is still incomplete. */
  next(item: TailAppend): { data: string; end: number } | undefined {
    const chunk = item.bytes
    if (this.encoding !== 'json') {
      const data =
        this.encoding === 'base64'
          ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64')
          : this.text.decode(chunk, { stream: true })
      return { data, end: item.end }
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

export async function sseRead(req: StreamRequest, start: ReadStart): Promise<Response> {
  const { store, path, request } = req
  const first = await liveStream(store, path)
  await touchIfSliding(store, first)
  const from = await readPosition(store, first, start)
  const encoding: Encoding = isJsonType(first.contentType) ? 'json' : isTextType(first.contentType) ? 'text' : 'base64'
  const clientCursor = req.url.searchParams.get('cursor')

  const control = (meta: StreamMeta, position: number): SseMessage => {
    const atTail = position === meta.tail
    const body =
      meta.closed && atTail
        ? { streamNextOffset: encodeOffset(position), streamClosed: true, upToDate: true }
        : { streamNextOffset: encodeOffset(position), streamCursor: cursorFor(clientCursor), ...(atTail ? { upToDate: true } : {}) }
    return { event: 'control', data: JSON.stringify(body) }
  }

  async function* messages(signal: AbortSignal, aside: SseAside): AsyncGenerator<SseMessage | SseMessage[]> {
    const deadline = lifetimeDeadline(config().SLUICE_STREAMS_SSE_MAX_MS)
    const payloads = new Payloads(encoding)
    // At the tail of an open stream, each append is offered here by the stream's shared follower
    // (`tail.ts`) and sent at once beside the pull, while the response has room and time is left;
    // otherwise it comes through the loop below like everything else.
    const atTail = (append: TailAppend): boolean => {
      if (deadline.passed() || !aside.ready()) return false
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
