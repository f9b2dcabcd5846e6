import type { Metadata } from 'next'
import Link from 'next/link'

export const metadata: Metadata = { title: 'Chat not found' }

/** `/chat/<id>` for a chat nobody has: says so in words and offers a new chat. */
export default function ChatNotFound() {
  return (
    <div className="space-y-4" data-testid="chat-not-found">
      <h1 className="text-2xl font-semibold">Chat not found</h1>
      <p className="text-zinc-700 dark:text-zinc-300">
        There is no chat at this address: it was deleted, or the link is mistyped or incomplete. A shared chat link opens for anyone who has
        it, until its owner deletes the chat.
      </p>
      <p>
        <Link href="/chat" className="inline-block rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800">
          Start a new chat
        </Link>
      </p>
    </div>
  )
}
