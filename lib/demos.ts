/** Every demo, in the order the home page and the navigation show them. One line each. */
export interface Demo {
  href: string
  title: string
  summary: string
  /** What the demo is about, in words (the pattern it implements). */
  topic: string
  /** The page of `docs/` that explains it, as a path in the repository. */
  doc: string
  /** The code the demo runs, shown in its "How it works" panel: route, `lib/` code, client side. */
  code: readonly { path: string; role: string }[]
}

export const demos: readonly Demo[] = [
  {
    href: '/words',
    title: 'Words',
    summary: 'A route handler streams tokens from an async generator; the client reads them with getReader() and can stop.',
    topic: 'Streaming patterns: a ReadableStream from an async iterator',
    doc: 'docs/architecture.md',
    code: [
      { path: 'app/api/words/route.ts', role: 'the route handler' },
      { path: 'lib/words.ts', role: 'the async generator' },
      { path: 'lib/stream/iterable.ts', role: 'iterable → pull-based ReadableStream' },
      { path: 'components/words/words-demo.tsx', role: 'the reader in the page' },
    ],
  },
  {
    href: '/feed',
    title: 'Live feed',
    summary: 'Server-Sent Events of live server metrics with ids, heartbeats and gap-free Last-Event-ID replay.',
    topic: 'Server-Sent Events with reconnection and replay',
    doc: 'docs/architecture.md',
    code: [
      { path: 'pages/api/feed.ts', role: 'the route (a Pages API route: less memory per open reader)' },
      { path: 'app/api/app-router/feed/route.ts', role: 'the same route as an App Router route handler' },
      { path: 'app/api/feed/get.ts', role: 'the handler, on either transport' },
      { path: 'lib/feed.ts', role: 'the metrics and their replay buffer' },
      { path: 'lib/stream/sse.ts', role: 'SSE framing and heartbeats' },
      { path: 'components/feed/feed-demo.tsx', role: 'the EventSource in the page' },
    ],
  },
  {
    href: '/pipeline',
    title: 'Pipeline',
    summary: 'A large text body piped through TransformStreams and streamed back while it is still being read.',
    topic: 'Piping a request body through TransformStreams',
    doc: 'docs/architecture.md',
    code: [
      { path: 'app/api/pipeline/route.ts', role: 'the route handler' },
      { path: 'lib/pipeline.ts', role: 'the chain of TransformStreams' },
      { path: 'lib/stream/spool.ts', role: 'spooling what the client is not reading yet' },
      { path: 'components/pipeline/pipeline-demo.tsx', role: 'the request and reader in the page' },
    ],
  },
  {
    href: '/durable',
    title: 'Durable streams',
    summary:
      'Streams stored by the server behind a URL (Durable Streams protocol): refresh-safe, resumable from an offset, shareable; background exports with after().',
    topic: 'Durable streams: storage behind a URL',
    doc: 'docs/durable-streams.md',
    code: [
      { path: 'app/v1/stream/[...path]/route.ts', role: 'the Durable Streams protocol route (App Router)' },
      { path: 'pages/api/node/v1/stream/[...path].ts', role: 'the public URL: the same methods as a Pages API route' },
      { path: 'lib/durable/protocol.ts', role: 'the methods of the protocol' },
      { path: 'lib/durable/service.ts', role: 'the streams service the app writes with' },
      { path: 'components/durable/use-durable-stream.ts', role: 'the tail in the page, resumed from its offset' },
    ],
  },
  {
    href: '/uploads',
    title: 'Uploads',
    summary: 'Files streamed to disk with backpressure and SHA-256, progress streamed back while uploading, resumable.',
    topic: 'Streaming uploads with live progress',
    doc: 'docs/uploads.md',
    code: [
      { path: 'app/api/uploads/[name]/put.ts', role: 'the upload PUT' },
      { path: 'pages/api/node/uploads/[name].ts', role: 'the public URL: a Pages API route over the raw Node request' },
      { path: 'lib/uploads/receive.ts', role: 'receiving a body into a session' },
      { path: 'lib/uploads/write-loop.ts', role: 'the write loop: read-ahead, hash, disk' },
      { path: 'components/uploads/use-uploads.ts', role: 'uploads and resumes in the page' },
    ],
  },
  {
    href: '/jobs',
    title: 'Jobs',
    summary:
      'Typed streams with start/chunk/complete/error/cancel frames: a CSV import with live progress and cancel, and a million-row export from a database cursor.',
    topic: 'Typed streams: long jobs with progress frames',
    doc: 'docs/typed-streams.md',
    code: [
      { path: 'app/api/jobs/import/route.ts', role: 'the typed import route' },
      { path: 'lib/jobs/import-stream.ts', role: 'the import as a typed stream' },
      { path: 'lib/jobs/export.ts', role: 'the streaming export download' },
      { path: 'components/jobs/import-panel.tsx', role: 'the import panel in the page' },
    ],
  },
  {
    href: '/typed',
    title: 'Typed streams',
    summary:
      'A catalogue of every typed stream endpoint: its schemas as JSON Schema, a form generated from its input, frames shown live — a CSV import, an AI answer token by token, a countdown.',
    topic: 'Typed streams: start, chunk and end frames',
    doc: 'docs/typed-streams.md',
    code: [
      { path: 'app/api/typed/countdown/route.ts', role: 'the route of one typed endpoint' },
      { path: 'lib/typed/endpoints/countdown.ts', role: 'its definition: input, chunks, final' },
      { path: 'app/api/typed/catalogue.ts', role: 'the catalogue of typed endpoints' },
      { path: 'components/typed/use-typed-stream.ts', role: 'the typed reader in the page' },
    ],
  },
  {
    href: '/chat',
    title: 'AI chat',
    summary: 'An agent streams reasoning, tool calls and tokens; refresh-safe, stoppable, audited — offline model built in.',
    topic: 'AI answers that survive a reload',
    doc: 'docs/chat.md',
    code: [
      { path: 'app/api/chat/route.ts', role: 'the chat route' },
      { path: 'lib/chat/generation.ts', role: 'a generation written to a durable stream' },
      { path: 'lib/chat/control.ts', role: 'resume, stop, list' },
      { path: 'components/chat/use-sluice-chat.ts', role: 'useChat with resume and stop' },
    ],
  },
  {
    href: '/proxy',
    title: 'OpenAI proxy',
    summary: 'An OpenAI-compatible stream forwarded byte for byte, with the upstream status and abort passed through.',
    topic: 'Proxying an OpenAI stream',
    doc: 'docs/chat.md',
    code: [
      { path: 'app/api/proxy/openai/route.ts', role: 'the proxy route' },
      { path: 'lib/ai/proxy.ts', role: 'forwarding the stream from the model' },
      { path: 'components/proxy/proxy-demo.tsx', role: 'the request and reader in the page' },
    ],
  },
]
