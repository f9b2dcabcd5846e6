import { generateId } from 'ai'
import { CurlCommand } from '@/components/ui/curl-command'
import { HowItWorks } from '@/components/ui/how-it-works'
import { DemoHeader } from '@/components/ui/demo-header'
import { SSE_HINTS } from '@/components/ui/sse-hints'
import { ChatList } from '@/components/chat/chat-list'
import { ChatView } from '@/components/chat/chat-view'
import { GenerationCount } from '@/components/chat/generation-count'
import { pageOwnership } from '@/lib/access'
import { chatModel } from '@/lib/ai'
import { answerSoFar, listChats, type Chat, type ChatMessage } from '@/lib/chat'

/** A chat is its starter's (docs/security.md): each page shows a fresh chat id, and the jar keeps curl's identity. */
const curl = (chatId: string) =>
  `curl -b ~/.sluice -c ~/.sluice -N {origin}/api/chat -H 'content-type: application/json' -d '{"id":"${chatId}","trigger":"submit-message","message":{"id":"m1","role":"user","parts":[{"type":"text","text":"What is 12 * (3 + 4)?"}]}}'`

/**
 * The chat screen: the visitor's own past chats beside one conversation. Shared by `/chat` and
 * `/chat/[id]`; someone else's chat (a shared link) is shown read-only.
 */
export async function ChatPage({ id, chat }: { id: string; chat?: Chat }) {
  const ownership = await pageOwnership()
  const { chats } = await listChats(await ownership.owned('chat'), { limit: 100, offset: 0 })
  const readOnly = chat !== undefined && !(await ownership.owns('chat', chat.id))
  const { info } = chatModel()
  const messages = (chat?.messages ?? []) as ChatMessage[]
  // Mid-answer, the page is rendered with the answer so far: it is on screen at first paint,
  // and the reattached stream (a full replay) takes over the same message by its id.
  const partial = chat?.activeStreamId ? await answerSoFar(chat.activeStreamId) : undefined
  return (
    <div className="grid gap-6 md:grid-cols-[14rem_minmax(0,1fr)]">
      <aside className="order-2 min-w-0 space-y-4 md:order-1">
        <ChatList chats={chats} current={chat?.id} />
        <GenerationCount />
      </aside>
      <div className="order-1 min-w-0 space-y-4 md:order-2">
        <DemoHeader href="/chat">
          <details open={messages.length === 0} className="group space-y-2" data-testid="chat-about">
            <summary className="cursor-pointer select-none font-medium text-zinc-800 dark:text-zinc-200">
              How this demo works, and how to try it with curl
            </summary>
            <p>
              Reasoning, tool calls (their input as it is written, then the result) and the answer stream as the model produces them. Every
              answer is also written to a durable stream as it is produced: reload mid-answer, or open this chat in a second tab, and it
              continues from storage without asking the model again. Stop reaches the model and the running tool; each answer leaves an
              audit record in the <code>audit</code> namespace.
            </p>
            <CurlCommand command={curl(`curl-${generateId()}`)} sse={SSE_HINTS.chatFollow} />
            <HowItWorks href="/chat" />
          </details>
        </DemoHeader>
        <ChatView
          key={id}
          id={id}
          initialMessages={partial ? [...messages, partial] : messages}
          model={info.label}
          moderation={chat?.moderation ?? false}
          resume={chat !== undefined}
          runningGeneration={chat?.activeStreamId}
          readOnly={readOnly}
        />
      </div>
    </div>
  )
}
