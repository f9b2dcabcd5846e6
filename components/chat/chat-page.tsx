import { ChatList } from '@/components/chat/chat-list'
import { ChatView } from '@/components/chat/chat-view'
import { GenerationCount } from '@/components/chat/generation-count'
import { chatModel } from '@/lib/ai/model'
import type { ChatMessage } from '@/lib/chat/messages'
import { chatStore } from '@/lib/chat/sqlite-store'
import type { Chat } from '@/lib/chat/store'

/** The chat screen: past chats beside one conversation. Shared by `/chat` and `/chat/[id]`. */
export async function ChatPage({ id, chat }: { id: string; chat?: Chat }) {
  const { chats } = await chatStore().list({ limit: 100 })
  const { info } = chatModel()
  return (
    <div className="grid gap-6 md:grid-cols-[14rem_1fr]">
      <aside className="space-y-4">
        <ChatList chats={chats} current={chat?.id} />
        <GenerationCount />
      </aside>
      <div className="space-y-2">
        <h1 className="text-2xl font-semibold tracking-tight">AI chat</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Tokens, reasoning and tool calls stream as the model produces them. Every answer is also written to a durable stream:
          reload mid-answer, or open this chat in a second tab, and it continues from storage without asking the model again.
        </p>
        <ChatView
          key={id}
          id={id}
          initialMessages={(chat?.messages ?? []) as ChatMessage[]}
          model={info.label}
          moderation={chat?.moderation ?? false}
          resume={chat !== undefined}
          runningGeneration={chat?.activeStreamId}
        />
      </div>
    </div>
  )
}
