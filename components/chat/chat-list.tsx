import Link from 'next/link'
import type { ChatSummary } from '@/lib/chat/store'

/** Past chats, newest first; the open one highlighted. */
export function ChatList({ chats, current }: { chats: ChatSummary[]; current?: string }) {
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
