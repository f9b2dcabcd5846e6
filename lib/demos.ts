/** Every demo, in the order the home page and the navigation show them. One line each. */
export interface Demo {
  href: string
  title: string
  summary: string
  /** What the demo is about, in words (the pattern it implements). */
  topic: string
  /** The page of `docs/` that explains it, as a path in the repository. */
  doc: string
}

export const demos: readonly Demo[] = [
  {
    href: '/words',
    title: 'Words',
    summary: 'A route handler streams tokens from an async generator; the client reads them with getReader() and can stop.',
    topic: 'Streaming patterns: a ReadableStream from an async iterator',
    doc: 'docs/architecture.md',
  },
  {
    href: '/feed',
    title: 'Live feed',
    summary: 'Server-Sent Events of live server metrics with ids, heartbeats and gap-free Last-Event-ID replay.',
    topic: 'Server-Sent Events with reconnection and replay',
    doc: 'docs/architecture.md',
  },
  {
    href: '/pipeline',
    title: 'Pipeline',
    summary: 'A large text body piped through TransformStreams and streamed back while it is still being read.',
    topic: 'Piping a request body through TransformStreams',
    doc: 'docs/architecture.md',
  },
  {
    href: '/streams',
    title: 'Durable streams',
    summary: 'Streams stored by the server behind a URL (Durable Streams protocol): refresh-safe, resumable from an offset, shareable; background exports with after().',
    topic: 'Durable streams: storage behind a URL',
    doc: 'docs/durable-streams.md',
  },
  {
    href: '/upload',
    title: 'Uploads',
    summary: 'Files streamed to disk with backpressure and SHA-256, progress streamed back while uploading, resumable.',
    topic: 'Streaming uploads with live progress',
    doc: 'docs/uploads.md',
  },
  {
    href: '/jobs',
    title: 'Jobs',
    summary: 'Typed streams with start/chunk/complete/error/cancel frames: a CSV import with live progress and cancel, and a million-row export from a database cursor.',
    topic: 'Typed streams: long jobs with progress frames',
    doc: 'docs/typed-streams.md',
  },
  {
    href: '/typed',
    title: 'Typed streams',
    summary: 'A catalogue of every typed stream endpoint: its schemas as JSON Schema, a form generated from its input, frames shown live — a CSV import, an AI answer token by token, a countdown.',
    topic: 'Typed streams: start, chunk and end frames',
    doc: 'docs/typed-streams.md',
  },
  {
    href: '/chat',
    title: 'AI chat',
    summary: 'An agent streams reasoning, tool calls and tokens; refresh-safe, stoppable, audited — offline model built in.',
    topic: 'AI answers that survive a reload',
    doc: 'docs/chat.md',
  },
  {
    href: '/proxy',
    title: 'OpenAI proxy',
    summary: 'An OpenAI-compatible stream forwarded byte for byte, with the upstream status and abort passed through.',
    topic: 'Proxying an OpenAI stream',
    doc: 'docs/chat.md',
  },
]
