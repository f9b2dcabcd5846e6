import type { Metadata } from 'next'
import { generateId } from 'ai'
import { ChatPage } from '@/components/chat/chat-page'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'AI chat' }

/** A new chat: its id is chosen here; the URL becomes `/chat/<id>` with the first message. */
export default function NewChat() {
  return <ChatPage id={generateId()} />
}
