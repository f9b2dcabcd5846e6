'use client'

import { useState, useSyncExternalStore } from 'react'

const noSubscribe = () => () => {}

/** A `curl` command that reproduces the demo from a terminal, with a copy button. The origin is filled in on the client. */
export function CurlCommand({ command, testId = 'curl-command' }: { command: string; testId?: string }) {
  const [copied, setCopied] = useState(false)
  const origin = useSyncExternalStore(noSubscribe, () => window.location.origin, () => 'http://localhost:3000')
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
    </div>
  )
}
