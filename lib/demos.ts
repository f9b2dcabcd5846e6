/** Every demo, in the order the home page and the navigation show them. One line each. */
export interface Demo {
  href: string
  title: string
  summary: string
  source: string
}

export const demos: readonly Demo[] = [
  {
    href: '/words',
    title: 'Words',
    summary: 'A route handler streams tokens from an async generator; the client reads them with getReader() and can stop.',
    source: 'doc 001',
  },
  {
    href: '/feed',
    title: 'Live feed',
    summary: 'Server-Sent Events of live server metrics with ids, heartbeats and gap-free Last-Event-ID replay.',
    source: 'doc 004',
  },
  {
    href: '/pipeline',
    title: 'Pipeline',
    summary: 'A large text body piped through TransformStreams and streamed back while it is still being read.',
    source: 'docs 000, 004',
  },
  {
    href: '/streams',
    title: 'Durable streams',
    summary: 'Streams stored by the server behind a URL (Durable Streams protocol): refresh-safe, resumable from an offset, shareable; background exports with after().',
    source: 'doc 002',
  },
  {
    href: '/upload',
    title: 'Uploads',
    summary: 'Files streamed to disk with backpressure and SHA-256, progress streamed back while uploading, resumable.',
    source: 'doc 000',
  },
  {
    href: '/jobs',
    title: 'Jobs',
    summary: 'Typed streams with start/chunk/complete/error/cancel frames: a CSV import with live progress and cancel, and a million-row export from a database cursor.',
    source: 'docs 001, 002, 003',
  },
  {
    href: '/typed',
    title: 'Typed streams',
    summary: 'A catalogue of every typed stream endpoint: its schemas as JSON Schema, a form generated from its input, frames shown live — a CSV import, an AI answer token by token, a countdown.',
    source: 'doc 003',
  },
  {
    href: '/chat',
    title: 'AI chat',
    summary: 'An agent streams reasoning, tool calls and tokens; refresh-safe, stoppable, audited — offline model built in.',
    source: 'docs 000, 002, 004',
  },
  {
    href: '/proxy',
    title: 'OpenAI proxy',
    summary: 'An OpenAI-compatible stream forwarded byte for byte, with the upstream status and abort passed through.',
    source: 'doc 004',
  },
]
