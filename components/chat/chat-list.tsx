'use client'

import Link from 'next/link'
import { useRouter } from 'next/navigation'
import { useEffect, useState } from 'react'
import { apiFetch, apiJson, toApiError } from '@/components/api/fetch'
import { Button } from '@/components/ui/button'
import type { ChatSummary } from '@/lib/chat/client'

/** Fired on `window` when a chat was added or changed, so the list reloads itself. */
export const CHATS_CHANGED = 'sluice:chats-changed'

const when = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })

/** One past chat: its title (truncated), when it last changed, Rename, and Delete with a confirmation. */
function ChatItem({
  chat,
  current,
  onDeleted,
  onRenamed,
}: {
  chat: ChatSummary
  current: boolean
  onDeleted: () => void
  onRenamed: (chat: ChatSummary) => void
}) {
  const [confirming, setConfirming] = useState(false)
  const [renaming, setRenaming] = useState(false)
  const [error, setError] = useState<string>()
  async function rename(title: string) {
    setError(undefined)
    try {
      onRenamed(await apiJson<ChatSummary>(`/api/chats/${encodeURIComponent(chat.id)}`, { method: 'PATCH', json: { title } }))
      setRenaming(false)
    } catch (e) {
      setError(toApiError(e).message)
    }
  }
  async function remove() {
    setError(undefined)
    try {
      await apiFetch(`/api/chats/${encodeURIComponent(chat.id)}`, { method: 'DELETE' })
      onDeleted()
    } catch (e) {
      const failure = toApiError(e)
      if (failure.status === 404) return onDeleted() // already gone
      setError(failure.message)
      setConfirming(false)
    }
  }
  return (
    <li data-testid="chat-list-entry" className={current ? 'rounded bg-zinc-200 dark:bg-zinc-800' : 'rounded'}>
      <div className="flex min-w-0 items-center gap-1">
        <Link
          href={`/chat/${chat.id}`}
          data-testid="chat-list-item"
          aria-current={current ? 'page' : undefined}
          className="block min-w-0 flex-1 rounded px-2 py-1 hover:bg-zinc-100 dark:hover:bg-zinc-800"
        >
          <span className="block truncate">
            {chat.activeStreamId ? <span aria-label="answering now">● </span> : ''}
            {chat.title}
          </span>
          <time dateTime={new Date(chat.updatedAt).toISOString()} className="block text-xs text-zinc-600 dark:text-zinc-400">
            {when.format(chat.updatedAt)}
          </time>
        </Link>
        {!confirming && !renaming && (
          <button
            type="button"
            data-testid="chat-rename"
            aria-label={`Rename the chat “${chat.title}”`}
            onClick={() => setRenaming(true)}
            className="shrink-0 rounded px-1.5 py-1 text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
          >
            ✎
          </button>
        )}
        {!confirming && !renaming && (
          <button
            type="button"
            data-testid="chat-delete"
            aria-label={`Delete the chat “${chat.title}”`}
            onClick={() => setConfirming(true)}
            className="shrink-0 rounded px-1.5 py-1 text-zinc-600 hover:bg-zinc-100 hover:text-red-700 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-red-300"
          >
            ×
          </button>
        )}
      </div>
      {renaming && (
        <form
          className="flex items-center gap-1 px-2 pb-1 text-xs"
          onSubmit={(e) => {
            e.preventDefault()
            void rename(String(new FormData(e.currentTarget).get('title') ?? ''))
          }}
        >
          <label className="sr-only" htmlFor={`title-${chat.id}`}>
            New title
          </label>
          <input
            id={`title-${chat.id}`}
            name="title"
            defaultValue={chat.title}
            maxLength={100}
            required
            autoFocus
            data-testid="chat-rename-input"
            className="min-w-0 flex-1 rounded border border-zinc-400 bg-white px-1 py-0.5 dark:border-zinc-600 dark:bg-zinc-900"
          />
          <Button size="sm" type="submit" data-testid="chat-rename-save">
            Save
          </Button>
          <Button size="sm" onClick={() => setRenaming(false)}>
            Cancel
          </Button>
        </form>
      )}
      {confirming && (
        <div className="flex items-center gap-2 px-2 pb-1 text-xs" role="group" aria-label="Confirm delete">
          <span>Delete this chat?</span>
          <button
            type="button"
            data-testid="chat-delete-confirm"
            onClick={() => void remove()}
            className="rounded bg-red-700 px-2 py-0.5 text-white"
          >
            Delete
          </button>
          <Button size="sm" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
        </div>
      )}
      {error && (
        <p role="alert" className="px-2 pb-1 text-xs text-red-800 dark:text-red-300">
          {error}
        </p>
      )}
    </li>
  )
}

/** Past chats, newest first; the open one highlighted. Reloads from `/api/chats` when a chat changes. */
export function ChatList({ chats: initial, current }: { chats: ChatSummary[]; current?: string }) {
  const [chats, setChats] = useState(initial)
  const router = useRouter()
  useEffect(() => {
    const reload = async () => setChats((await apiJson<{ chats: ChatSummary[] }>('/api/chats?limit=100', { cache: 'no-store' })).chats)
    // A list that could not be reloaded keeps what it showed; the next change reloads it again.
    const onChange = () => void reload().catch(() => {})
    window.addEventListener(CHATS_CHANGED, onChange)
    return () => window.removeEventListener(CHATS_CHANGED, onChange)
  }, [])
  return (
    <nav aria-label="Chats" className="min-w-0 space-y-2 text-sm">
      <Link
        href="/chat"
        data-testid="new-chat"
        className="block rounded-md border border-dashed border-zinc-400 px-2 py-1 text-center hover:border-zinc-600 dark:border-zinc-600"
      >
        New chat
      </Link>
      {chats.length === 0 && <p className="px-2 text-xs text-zinc-600 dark:text-zinc-400">Your chats will be listed here.</p>}
      <ul data-testid="chat-list" className="space-y-1">
        {chats.map((c) => (
          <ChatItem
            key={c.id}
            chat={c}
            current={c.id === current}
            onRenamed={(renamed) => setChats((list) => list.map((x) => (x.id === renamed.id ? renamed : x)))}
            onDeleted={() => {
              setChats((list) => list.filter((x) => x.id !== c.id))
              if (c.id === current || window.location.pathname === `/chat/${c.id}`) router.push('/chat')
            }}
          />
        ))}
      </ul>
    </nav>
  )
}
