import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { ChatPage } from '@/components/chat/chat-page'
import { chatIdSchema, chatStore } from '@/lib/chat'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'AI chat' }

/** A stored chat: its history, and its running answer if there is one. */
export default async function StoredChat({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params
  if (!chatIdSchema.safeParse(id).success) notFound()
  const chat = await chatStore().get(id)
  if (!chat) notFound()
  return <ChatPage id={id} chat={chat} />
}
