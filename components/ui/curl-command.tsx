'use client'

import { useState, useSyncExternalStore } from 'react'

const noSubscribe = () => () => {}

/** An SSE endpoint of the demo, as a plain `EventSource` (or, for a POST, `fetch`) must read it. */
export interface SseHint {
  /** The endpoint, with `{origin}` for the page's origin. */
  url: string
  /**
   * The event names it sends and what each carries. Empty: unnamed events, which `onmessage`
   * does receive (the AI SDK's UI message stream).
   */
  events: Array<{ name: string; what: string }>
  /** A POST: `EventSource` cannot send it (GET only), read it with `fetch` and an SSE parser. */
  post?: boolean
  note?: string
}

function sseSnippet(hint: SseHint, origin: string): string {
  const url = hint.url.replaceAll('{origin}', origin)
  if (hint.post) {
    return [
      `// A POST: EventSource cannot send it (GET only). Read the response with fetch and an SSE parser,`,
      `// e.g. eventsource-parser; the events are named:`,
      ...hint.events.map((e) => `//   '${e.name}': ${e.what}`),
    ].join('\n')
  }
  if (hint.events.length === 0) {
    return [`const es = new EventSource('${url}')`, `es.onmessage = (e) => { /* unnamed events: onmessage gets them all */ }`].join('\n')
  }
  return [
    `const es = new EventSource('${url}')`,
    `// The events are named, so es.onmessage receives nothing: listen to each name.`,
    ...hint.events.map((e) => `es.addEventListener('${e.name}', (e) => { /* ${e.what} */ })`),
  ].join('\n')
}

/**
 * A `curl` command that reproduces the demo from a terminal, with a copy button. The origin is
 * filled in on the client. With `sse`, also how a browser reads the same stream: `EventSource`
 * with `addEventListener` for each of its event names (Sluice's SSE events are named, and
 * `es.onmessage` only gets unnamed ones — docs/architecture.md, "Server-Sent Events").
 */
export function CurlCommand({ command, sse, testId = 'curl-command' }: { command: string; sse?: SseHint | SseHint[]; testId?: string }) {
  const [copied, setCopied] = useState(false)
  const origin = useSyncExternalStore(
    noSubscribe,
    () => window.location.origin,
    () => 'http://localhost:3000',
  )
  const text = command.replaceAll('{origin}', origin)
  return (
    <div className="rounded-lg border border-zinc-200 bg-zinc-900 p-3 text-sm text-zinc-100 dark:border-zinc-800">
      <div className="mb-1 flex items-center justify-between text-xs text-zinc-400">
        <span>Try it from a terminal</span>
        <button
          type="button"
          className="rounded px-2 py-0.5 hover:bg-zinc-700"
          onClick={() => {
            void navigator.clipboard?.writeText(text).then(() => setCopied(true))
          }}
        >
          {copied ? 'copied' : 'copy'}
        </button>
      </div>
      <pre className="overflow-x-auto whitespace-pre-wrap break-all font-mono" data-testid={testId}>
        {text}
      </pre>
      {(Array.isArray(sse) ? sse : sse ? [sse] : []).map((hint) => (
        <div key={hint.url} className="mt-3">
          <div className="mb-1 text-xs text-zinc-400">…and in a browser{hint.note ? ` (${hint.note})` : ''}</div>
          <pre className="overflow-x-auto whitespace-pre-wrap break-all font-mono text-zinc-300" data-testid="sse-hint">
            {sseSnippet(hint, origin)}
          </pre>
        </div>
      ))}
    </div>
  )
}
