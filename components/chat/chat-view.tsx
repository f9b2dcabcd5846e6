'use client'

import Link from 'next/link'
import { useState } from 'react'
import { Inspector } from '@/components/inspector'
import { MessageParts } from '@/components/chat/message-parts'
import { useStreamInspector } from '@/components/use-stream-inspector'
import { useSluiceChat } from '@/components/chat/use-sluice-chat'
import { parseErrorText, type ChatMessage } from '@/lib/chat/messages'

export interface ChatViewProps {
  id: string
  initialMessages: ChatMessage[]
  /** Who answers, as the server is configured (e.g. `Offline model (…)`, `gpt-5-mini via OpenAI`). */
  model: string
  moderation: boolean
  resume: boolean
  runningGeneration?: string | null
  /** Someone else's chat, opened from a shared link: read it, follow its answer, not write to it. */
  readOnly?: boolean
}

function ErrorNotice({ code, message, onRetry, busy }: { code: string; message: string; onRetry?: () => void; busy: boolean }) {
  return (
    <div data-testid="chat-error" role="alert" className="flex items-start justify-between gap-3 rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
      <span>
        <code className="mr-2 text-xs">{code}</code>
        {message}
      </span>
      {onRetry && (
        <button type="button" data-testid="chat-retry" disabled={busy} onClick={onRetry} className="shrink-0 rounded border border-red-400 px-2 py-0.5 hover:bg-red-100 disabled:opacity-50 dark:hover:bg-red-900">
          Retry
        </button>
      )}
    </div>
  )
}

/** One conversation: its messages as they stream, the composer, Stop, Retry and who is answering. */
export function ChatView({ id, initialMessages, model, moderation: initialModeration, resume, runningGeneration, readOnly = false }: ChatViewProps) {
  const [moderation, setModeration] = useState(initialModeration)
  const [input, setInput] = useState('')
  const { state: inspected, begin, chunk, end, reset } = useStreamInspector()
  const [observer] = useState(() => ({ begin, chunk, end, reset }))
  const chat = useSluiceChat({ id, initialMessages, resume, runningGeneration, moderation, observer })
  const last = chat.messages.at(-1)
  const lastFailed = last?.role === 'assistant' && last.metadata?.error !== undefined
  const requestError = chat.status === 'error' && chat.error && !lastFailed ? parseErrorText(chat.error.message) : undefined

  function submit(event: React.FormEvent) {
    event.preventDefault()
    const text = input.trim()
    if (!text || chat.busy) return
    setInput('')
    // The URL becomes the chat's own, so a reload (or a shared link) comes back to it.
    if (window.location.pathname !== `/chat/${id}`) window.history.replaceState(null, '', `/chat/${id}`)
    void chat.send(text)
  }

  return (
    <section className="flex min-h-[60vh] flex-col gap-3" data-testid="chat" data-chat-id={id} data-status={chat.status}>
      <header className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <span>
          Answering: <strong data-testid="chat-model">{model}</strong>
        </span>
        <label className="flex items-center gap-1 text-zinc-600 dark:text-zinc-400">
          <input type="checkbox" data-testid="moderation-toggle" checked={moderation} onChange={(e) => setModeration(e.target.checked)} />
          Moderate while streaming
        </label>
      </header>

      <ol data-testid="chat-messages" className="flex flex-1 flex-col gap-3">
        {chat.messages.map((m, i) => (
          <li
            key={m.id}
            data-testid={`message-${m.role}`}
            data-message-id={m.id}
            className={m.role === 'user' ? 'self-end rounded-lg bg-zinc-900 px-3 py-2 text-white dark:bg-zinc-100 dark:text-zinc-900' : 'space-y-2 rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900'}
          >
            {m.role === 'assistant' && m.metadata?.model && <div className="text-xs text-zinc-500">{m.metadata.model}</div>}
            <MessageParts message={m} />
            {m.metadata?.stopped && <div data-testid="message-stopped" className="text-xs text-zinc-500">Stopped.</div>}
            {m.metadata?.moderation && m.metadata.moderation.filtered > 0 && (
              <div data-testid="message-moderated" className="text-xs text-amber-700 dark:text-amber-400">
                Moderation filtered {m.metadata.moderation.filtered} sentence{m.metadata.moderation.filtered === 1 ? '' : 's'}.
              </div>
            )}
            {m.metadata?.error && (
              <ErrorNotice {...m.metadata.error} busy={chat.busy} onRetry={i === chat.messages.length - 1 ? () => void chat.retry() : undefined} />
            )}
          </li>
        ))}
        {requestError && <ErrorNotice {...requestError} busy={chat.busy} onRetry={() => void chat.retry()} />}
      </ol>
      {chat.rollovers > 0 && (
        <p data-testid="chat-rollovers" className="text-xs text-zinc-500">
          The server ended the answer&apos;s response at its lifetime {chat.rollovers} time(s); this page followed the answer again
          from its durable stream each time.
        </p>
      )}

      {readOnly ? (
        <p data-testid="chat-read-only" className="rounded-md border border-zinc-300 bg-zinc-50 p-2 text-sm text-zinc-700 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300">
          This chat was shared with you: you can read it and follow its answer, but only its owner can write to it.{' '}
          <Link href="/chat" className="underline">
            Start your own chat
          </Link>
          .
        </p>
      ) : (
      <form onSubmit={submit} className="flex gap-2">
        <input
          data-testid="chat-input"
          value={input}
          onChange={(e) => setInput(e.target.value)}
          placeholder="Ask something — try “What time is it in Tokyo?” or “What is 12 * (3 + 4)?”"
          className="min-w-0 flex-1 rounded-md border border-zinc-300 bg-white px-3 py-2 dark:border-zinc-700 dark:bg-zinc-900"
        />
        {chat.busy ? (
          <button type="button" data-testid="chat-stop" onClick={() => void chat.stop()} disabled={chat.stopping} className="rounded-md bg-red-600 px-4 py-2 text-white disabled:opacity-60">
            {chat.stopping ? 'Stopping…' : 'Stop'}
          </button>
        ) : (
          <button type="submit" data-testid="chat-send" disabled={!input.trim()} className="rounded-md bg-zinc-900 px-4 py-2 text-white disabled:opacity-40 dark:bg-zinc-100 dark:text-zinc-900">
            Send
          </button>
        )}
      </form>
      )}
      <Inspector state={inspected} />
    </section>
  )
}
