import type { SseHint } from '@/components/ui/curl-command'
import { FRAME_TYPES } from '@/lib/typed/client'

/**
 * Every SSE endpoint of the app and the event names it sends, for the pages' "…and in a
 * browser" hints (`CurlCommand`'s `sse`). The same table is in docs/architecture.md, "Server-Sent
 * Events"; `test/unit/stream/sse-events.test.ts` checks that every event name the server code sends is
 * in both. Sluice names its events, and `EventSource.onmessage` only receives unnamed ones (type
 * `message`), so a client must `addEventListener(<name>, …)` for each; only the chat's AI SDK
 * stream is unnamed.
 */

/** Any stream built with `sseResponse()` may end with these (`lib/stream/sse.ts`). */
const ERROR = { name: 'error', what: 'the app’s error shape {error:{code,message}}, if the stream fails midway' }

export const SSE_HINTS = {
  feed: {
    url: '{origin}/api/feed',
    events: [{ name: 'metrics', what: 'one sample, JSON; its id is what Last-Event-ID replays from' }, ERROR],
  },
  durable: (path: string): SseHint => ({
    url: `{origin}/v1/stream/${path}?offset=-1&live=sse`,
    events: [
      { name: 'data', what: 'the bytes appended: text, a JSON array of messages, or base64 for binary' },
      { name: 'control', what: 'JSON {streamNextOffset, upToDate?, streamClosed?}: save the offset, resume from it' },
    ],
    note: 'reconnect from the last control event’s offset yourself: these ids are not used',
  }),
  streamList: {
    url: '{origin}/api/durable?live=sse',
    events: [{ name: 'streams', what: 'your streams, JSON {total, limit, offset, streams}, at once and after every change' }, ERROR],
  },
  uploadProgress: {
    url: '{origin}/api/uploads/sessions/<session id>/events',
    events: [
      { name: 'progress', what: 'JSON {state, offset, size, …}: bytes on disk so far' },
      { name: 'done', what: 'the upload reached a final state: close the EventSource' },
      ERROR,
    ],
  },
  importJob: {
    url: '{origin}/api/jobs/import?rows=5000&delayMs=100',
    post: true,
    events: FRAME_TYPES.map((name) => ({ name, what: name === 'chunk' ? 'one batch of rows' : `the ${name} frame, JSON` })),
  },
  chatFollow: {
    url: '{origin}/api/chat/<chat id>/stream',
    events: [],
    note: 'the AI SDK’s UI message stream: unnamed events, each data a JSON chunk, the last [DONE]',
  },
} satisfies Record<string, SseHint | ((path: string) => SseHint)>
