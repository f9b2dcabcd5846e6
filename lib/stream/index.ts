/**
 * The streaming helpers' front door (server): iterables as responses, SSE framing with
 * heartbeats, line splitting, spooling, and the lifetime of long responses. Reading streams in
 * the browser: `@/lib/stream/client`.
 */
export {
  iterableResponse,
  iterableToStream,
  IterablePump,
  takePump,
  TEXT_STREAM_HEADERS,
  type IterableSource,
  type IterableStreamOptions,
  type StreamChunk,
  type WriteAside,
} from './iterable'
export {
  formatSse,
  SSE_HEADERS,
  sseResponse,
  sseStream,
  withHeartbeats,
  type SseFormatOptions,
  type SseAside,
  type SseSource,
  type SseYield,
  type SseMessage,
  type SseStreamOptions,
} from './sse'
export { lifetimeDeadline, reconnectEvent, RECONNECT_EVENT, streamLifetimeMs, type Deadline, type ReconnectInfo } from './lifetime'
export { splitLines } from './lines'
export { spool, type SpoolOptions } from './spool'
export { slowMotionRate, throttled } from './throttle'
