import { openStream } from '@/lib/activity'
import { config } from '@/lib/config'
import { cursorFor } from '@/lib/durable/cursor'
import { linesToArrayText, wholeLinesLength } from '@/lib/durable/json-mode'
import { encodeOffset, type ReadStart } from '@/lib/durable/offset'
import { liveStream, readPosition, type StreamRequest } from '@/lib/durable/protocol-common'
import { touchIfSliding } from '@/lib/durable/protocol-read'
import { H, isJsonType, isTextType } from '@/lib/durable/protocol-headers'
import type { StreamMeta, StreamStore } from '@/lib/durable/store'
import { lifetimeDeadline, type SseMessage, sseResponse } from '@/lib/stream'

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

/** `data` payloads for bytes `[from, to)`, each with the position after it. */
async function* batches(store: StreamStore, meta: StreamMeta, from: number, to: number, encoding: Encoding, text: TextDecoder, signal: AbortSignal) {
  let position = from
  if (encoding !== 'json') {
    for await (const chunk of store.read(meta, from, to, signal)) {
      position += chunk.byteLength
      const data = encoding === 'base64' ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64') : text.decode(chunk, { stream: true })
      yield { data, end: position }
    }
    return
  }
  // JSON: whole messages only; `to` is a message boundary, so nothing is left over at the end.
  let pending = Buffer.alloc(0)
  for await (const chunk of store.read(meta, from, to, signal)) {
    pending = Buffer.concat([pending, chunk])
    const whole = wholeLinesLength(pending)
    if (whole === 0 || (whole < JSON_BATCH && position + pending.byteLength < to)) continue
    position += whole
    yield { data: linesToArrayText(pending.subarray(0, whole)), end: position }
    pending = pending.subarray(whole)
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

  async function* events(signal: AbortSignal): AsyncGenerator<SseMessage> {
    const deadline = lifetimeDeadline(config().SLUICE_STREAMS_SSE_MAX_MS)
    const text = new TextDecoder()
    let meta = first
    let position = from
    let announced = false
    for (;;) {
      if (position < meta.tail) {
        for await (const batch of batches(store, meta, position, meta.tail, encoding, text, signal)) {
          yield { event: 'data', data: batch.data }
          position = batch.end
          yield control(meta, position)
          if (deadline.passed()) return // right after a control event: the client resumes from it
        }
        announced = true
      }
      if (!announced) {
        yield control(meta, position)
        announced = true
      }
      const remaining = deadline.remaining()
      if ((meta.closed && position === meta.tail) || remaining <= 0) return
      if ((await store.waitForChange(path, position, { signal, timeoutMs: remaining })) !== 'changed') return
      const found = await store.lookup(path)
      if (found.state !== 'live' || found.meta.incarnation !== first.incarnation) return
      if (found.meta.tail === meta.tail && found.meta.closed !== meta.closed) announced = false // closed: say so
      meta = found.meta
    }
  }

  const headers = new Headers({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })
  if (encoding === 'base64') headers.set(H.sseEncoding, 'base64')
  const release = openStream('durable-sse')
  return sseResponse(events, { headers, signal: request.signal, done: false, compact: true, onEnd: release })
}
