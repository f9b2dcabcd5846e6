'use client'

import Link from 'next/link'
import { useEffect, useState } from 'react'
import type { ChatSummary } from '@/lib/chat/store'

/** Fired on `window` when a chat was added or changed, so the list reloads itself. */
export const CHATS_CHANGED = 'sluice:chats-changed'

/** Past chats, newest first; the open one highlighted. Reloads from `/api/chats` when a chat changes. */
export function ChatList({ chats: initial, current }: { chats: ChatSummary[]; current?: string }) {
  const [chats, setChats] = useState(initial)
  useEffect(() => {
    const reload = async () => {
      const res = await fetch('/api/chats?limit=100', { cache: 'no-store' })
      if (res.ok) setChats(((await res.json()) as { chats: ChatSummary[] }).chats)
    }
    const onChange = () => void reload().catch(() => {})
    window.addEventListener(CHATS_CHANGED, onChange)
    return () => window.removeEventListener(CHATS_CHANGED, onChange)
  }, [])
  return (
    <nav aria-label="Chats" className="space-y-2 text-sm">
      <Link href="/chat" data-testid="new-chat" className="block rounded-md border border-dashed border-zinc-300 px-2 py-1 text-center hover:border-zinc-500 dark:border-zinc-700">
        New chat
      </Link>
      <ul data-testid="chat-list" className="space-y-1">
        {chats.map((c) => (
          <li key={c.id}>
            <Link
              href={`/chat/${c.id}`}
              data-testid="chat-list-item"
              aria-current={c.id === current ? 'page' : undefined}
              className="block truncate rounded px-2 py-1 hover:bg-zinc-100 aria-[current=page]:bg-zinc-200 dark:hover:bg-zinc-800 dark:aria-[current=page]:bg-zinc-800"
            >
              {c.activeStreamId ? '● ' : ''}
              {c.title}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  )
}
