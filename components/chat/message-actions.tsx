'use client'

import { useState } from 'react'

/** Under a finished answer: copy its text, and (for the last one) ask for a new answer. */
export function MessageActions({ text, onRegenerate, busy }: { text: string; onRegenerate?: () => void; busy: boolean }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle')
  const button = 'rounded border border-zinc-300 px-2 py-0.5 hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800'
  return (
    <div className="flex items-center gap-2 text-xs text-zinc-700 dark:text-zinc-300">
      {text && (
        <button
          type="button"
          data-testid="message-copy"
          className={button}
          onClick={() => {
            navigator.clipboard.writeText(text).then(
              () => setCopied('copied'),
              () => setCopied('failed'),
            )
            setTimeout(() => setCopied('idle'), 2_000)
          }}
        >
          {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Could not copy' : 'Copy'}
        </button>
      )}
      {onRegenerate && (
        <button type="button" data-testid="message-regenerate" className={button} disabled={busy} onClick={onRegenerate}>
          Regenerate
        </button>
      )}
    </div>
  )
}
