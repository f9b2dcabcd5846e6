'use client'

import Link from 'next/link'
import { useEffect, useState } from 'react'
import { Inspector } from '@/components/inspector/inspector'
import { MessageParts } from '@/components/chat/message-parts'
import { MessageActions } from '@/components/chat/message-actions'
import { Suggestions } from '@/components/chat/suggestions'
import { useFollowScroll } from '@/components/chat/use-follow-scroll'
import { ErrorMessage } from '@/components/ui/error-message'
import { useHydrated } from '@/components/ui/use-hydrated'
import { useStreamInspector } from '@/components/inspector/use-stream-inspector'
import { useSluiceChat } from '@/components/chat/use-sluice-chat'
import { messageText, parseErrorText, type ChatMessage } from '@/lib/chat/client'

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

/** An error in words, with Retry; the code (for developers) folded away under "Details", and in the inspector. */
function ErrorNotice({ code, message, onRetry, busy }: { code: string; message: string; onRetry?: () => void; busy: boolean }) {
  return <ErrorMessage error={{ code, message }} testId="chat-error" onRetry={onRetry} retryTestId="chat-retry" busy={busy} />
}

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })

/** One conversation: its messages as they stream, the composer, Stop, Retry and who is answering. */
export function ChatView({
  id,
  initialMessages,
  model,
  moderation: initialModeration,
  resume,
  runningGeneration,
  readOnly = false,
}: ChatViewProps) {
  const [moderation, setModeration] = useState(initialModeration)
  const [input, setInput] = useState('')
  const hydrated = useHydrated()
  const { state: inspected, begin, chunk, end, reset } = useStreamInspector()
  const [observer] = useState(() => ({ begin, chunk, end, reset }))
  const chat = useSluiceChat({ id, initialMessages, resume, runningGeneration, moderation, observer })
  const last = chat.messages.at(-1)
  const lastError = last?.role === 'assistant' ? last.metadata?.error : undefined
  const requestError = chat.status === 'error' && chat.error && !lastError ? parseErrorText(chat.error.message) : undefined
  const follow = useFollowScroll(chat.messages)

  // An answer that ended in an error arrives in a 200 response: the inspector would say "done"
  // (or "streaming", or "stopped" when the chat cancels its read after the error). Say what
  // happened instead, with the code for developers. (A Stop by the reader sets no failure.)
  const failure = lastError ?? requestError
  const ended = inspected.phase === 'done' || inspected.phase === 'streaming' || inspected.phase === 'stopped'
  useEffect(() => {
    if (failure && !chat.busy && ended) end('error', `${failure.code}: ${failure.message}`)
  }, [failure, chat.busy, ended, end])

  function send(text: string, options?: { moderation?: boolean }) {
    if (!text || chat.busy) return
    // The URL becomes the chat's own, so a reload (or a shared link) comes back to it.
    if (window.location.pathname !== `/chat/${id}`) window.history.replaceState(null, '', `/chat/${id}`)
    follow.jump()
    void chat.send(text, options)
  }

  function submit(event: React.FormEvent) {
    event.preventDefault()
    const text = input.trim()
    if (!text || chat.busy) return
    setInput('')
    send(text)
  }

  return (
    <section className="flex min-h-[50vh] flex-col gap-3" data-testid="chat" data-chat-id={id} data-status={chat.status}>
      <header className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <span>
          Answering: <strong data-testid="chat-model">{model}</strong>
        </span>
        <label className="flex items-center gap-1 text-zinc-700 dark:text-zinc-300">
          <input type="checkbox" data-testid="moderation-toggle" checked={moderation} onChange={(e) => setModeration(e.target.checked)} />
          Moderate while streaming
        </label>
      </header>

      {chat.messages.length === 0 && !readOnly && (
        <Suggestions
          disabled={chat.busy || !hydrated}
          onPick={(s) => {
            if (s.moderation) setModeration(true)
            send(s.prompt, s.moderation ? { moderation: true } : undefined)
          }}
        />
      )}

      <ol data-testid="chat-messages" aria-live="polite" aria-busy={chat.busy} className="flex flex-1 flex-col gap-3">
        {chat.messages.map((m, i) => {
          const isLast = i === chat.messages.length - 1
          const at = m.metadata?.createdAt
          return (
            <li
              key={m.id}
              data-testid={`message-${m.role}`}
              data-message-id={m.id}
              className={
                m.role === 'user'
                  ? 'max-w-[85%] self-end whitespace-pre-wrap break-words rounded-lg bg-zinc-900 px-3 py-2 text-white dark:bg-zinc-100 dark:text-zinc-900'
                  : 'min-w-0 space-y-2 rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900'
              }
            >
              {m.role === 'assistant' && (m.metadata?.model || at) && (
                <div className="flex gap-2 text-xs text-zinc-600 dark:text-zinc-400">
                  {m.metadata?.model && <span>{m.metadata.model}</span>}
                  {at && <time dateTime={new Date(at).toISOString()}>{time.format(at)}</time>}
                </div>
              )}
              <MessageParts message={m} streaming={chat.busy && isLast} />
              {m.metadata?.stopped && (
                <div data-testid="message-stopped" className="text-xs text-zinc-600 dark:text-zinc-400">
                  Stopped.
                </div>
              )}
              {m.metadata?.moderation && m.metadata.moderation.filtered > 0 && (
                <div data-testid="message-moderated" className="text-xs text-amber-800 dark:text-amber-300">
                  Moderation filtered {m.metadata.moderation.filtered} sentence{m.metadata.moderation.filtered === 1 ? '' : 's'}.
                </div>
              )}
              {m.metadata?.error && (
                <ErrorNotice {...m.metadata.error} busy={chat.busy} onRetry={isLast ? () => void chat.retry() : undefined} />
              )}
              {m.role === 'assistant' && !(chat.busy && isLast) && (
                <MessageActions
                  text={messageText(m)}
                  onRegenerate={isLast && !readOnly && !m.metadata?.error ? () => void chat.retry() : undefined}
                  busy={chat.busy}
                />
              )}
            </li>
          )
        })}
        {requestError && <ErrorNotice {...requestError} busy={chat.busy} onRetry={() => void chat.retry()} />}
      </ol>
      {chat.rollovers > 0 && (
        <p data-testid="chat-rollovers" className="text-xs text-zinc-600 dark:text-zinc-400">
          The server ended the answer&apos;s response at its lifetime {chat.rollovers} time(s); this page followed the answer again from its
          durable stream each time.
        </p>
      )}

      <div className="sticky bottom-0 -mx-1 space-y-2 bg-zinc-50/95 px-1 pt-2 pb-3 dark:bg-zinc-950/95">
        {!follow.atBottom && (
          <button
            type="button"
            data-testid="chat-jump"
            onClick={() => follow.jump()}
            className="mx-auto block rounded-full border border-zinc-300 bg-white px-3 py-1 text-xs shadow-sm dark:border-zinc-700 dark:bg-zinc-900"
          >
            ↓ Jump to latest
          </button>
        )}
        {readOnly ? (
          <p
            data-testid="chat-read-only"
            className="rounded-md border border-zinc-300 bg-zinc-50 p-2 text-sm text-zinc-700 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300"
          >
            This chat was shared with you: you can read it and follow its answer, but only its owner can write to it.{' '}
            <Link href="/chat" className="underline">
              Start your own chat
            </Link>
            .
          </p>
        ) : (
          <form onSubmit={submit} className="flex gap-2">
            <label htmlFor={`chat-input-${id}`} className="sr-only">
              Message
            </label>
            <input
              id={`chat-input-${id}`}
              data-testid="chat-input"
              value={input}
              onChange={(e) => setInput(e.target.value)}
              placeholder="Ask something…"
              disabled={!hydrated}
              className="min-w-0 flex-1 rounded-md border border-zinc-400 bg-white px-3 py-2 dark:border-zinc-600 dark:bg-zinc-900"
            />
            {chat.busy ? (
              <button
                type="button"
                data-testid="chat-stop"
                onClick={() => void chat.stop()}
                disabled={chat.stopping}
                className="rounded-md bg-red-700 px-4 py-2 text-white disabled:opacity-60"
              >
                {chat.stopping ? 'Stopping…' : 'Stop'}
              </button>
            ) : (
              <button
                type="submit"
                data-testid="chat-send"
                disabled={!input.trim()}
                className="rounded-md bg-zinc-900 px-4 py-2 text-white disabled:opacity-40 dark:bg-zinc-100 dark:text-zinc-900"
              >
                Send
              </button>
            )}
          </form>
        )}
      </div>
      <Inspector state={inspected} />
    </section>
  )
}
