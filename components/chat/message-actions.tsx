'use client'

import { useState } from 'react'
import { Button } from '@/components/ui/button'

/** Under a finished answer: copy its text, and (for the last one) ask for a new answer. */
export function MessageActions({ text, onRegenerate, busy }: { text: string; onRegenerate?: () => void; busy: boolean }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle')
  return (
    <div className="flex items-center gap-2 text-xs text-zinc-700 dark:text-zinc-300">
      {text && (
        <Button
          size="sm"
          data-testid="message-copy"
          onClick={() => {
            navigator.clipboard.writeText(text).then(
              () => setCopied('copied'),
              () => setCopied('failed'),
            )
            setTimeout(() => setCopied('idle'), 2_000)
          }}
        >
          {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Could not copy' : 'Copy'}
        </Button>
      )}
      {onRegenerate && (
        <Button size="sm" data-testid="message-regenerate" disabled={busy} onClick={onRegenerate}>
          Regenerate
        </Button>
      )}
    </div>
  )
}
