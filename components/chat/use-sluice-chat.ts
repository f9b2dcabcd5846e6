'use client'

import { useChat } from '@ai-sdk/react'
import { DefaultChatTransport } from 'ai'
import { useCallback, useEffect, useState } from 'react'
import { apiJson } from '@/components/api/fetch'
import { CHATS_CHANGED } from '@/components/chat/chat-list'
import { inspectedFetch, type StreamObserver } from '@/components/inspector/inspected-fetch'
import { RECONNECT_PART, type ChatMessage } from '@/lib/chat/client'

export interface SluiceChatOptions {
  id: string
  initialMessages: ChatMessage[]
  /** Reattach to a generation that is still running (after a reload, or in a second tab). */
  resume: boolean
  /** The generation the server saw running when it rendered the page: replayed even if it ends meanwhile. */
  runningGeneration?: string | null
  moderation: boolean
  /** Told about every response body this chat reads (answers and reattaches), for the inspector. Read once: keep its functions stable. */
  observer?: StreamObserver
}

/**
 * Which generation the next reattach asks for: the one seen at render time, then the one a
 * response that reached its lifetime named (`data-reconnect`); otherwise (after a network drop)
 * whatever is running then.
 */
class Reattach {
  #generation: string | undefined
  #rollover = false

  constructor(generation: string | undefined) {
    this.#generation = generation
  }

  /** The generation to ask for, once. */
  take(): string | undefined {
    const generation = this.#generation
    this.#generation = undefined
    return generation
  }

  /** A response ended at its lifetime: the answer goes on in `generation`. */
  rolledOver(generation: string): void {
    this.#generation = generation
    this.#rollover = true
  }

  /** Whether the request that just ended was cut by its lifetime (asked once). */
  takeRollover(): boolean {
    const rollover = this.#rollover
    this.#rollover = false
    return rollover
  }
}

/**
 * `useChat` wired to Sluice's server: each request carries only the new message (the server
 * holds the conversation), moderation travels in the body, and Stop goes to the server first
 * (`POST /api/chat/:id/stop`), because the generation belongs to the server, not to this
 * connection: aborting the fetch alone would only disconnect this tab.
 */
export function useSluiceChat({ id, initialMessages, resume, runningGeneration, moderation, observer }: SluiceChatOptions) {
  const [rollovers, setRollovers] = useState(0)
  const [{ transport, reattach }] = useState(() => {
    const reattach = new Reattach(runningGeneration ?? undefined)
    const transport = new DefaultChatTransport<ChatMessage>({
      api: '/api/chat',
      fetch: inspectedFetch(observer),
      prepareSendMessagesRequest: ({ id: chatId, messages, trigger, messageId, body }) => ({
        body: {
          id: chatId,
          trigger,
          messageId,
          moderation: body?.moderation,
          ...(trigger === 'submit-message' ? { message: messages.at(-1) } : {}),
        },
      }),
      prepareReconnectToStreamRequest: ({ id: chatId }) => {
        const generation = reattach.take()
        const query = generation ? `?generation=${encodeURIComponent(generation)}` : ''
        return { api: `/api/chat/${encodeURIComponent(chatId)}/stream${query}` }
      },
    })
    return { transport, reattach }
  })
  const chat = useChat<ChatMessage>({
    id,
    messages: initialMessages,
    resume,
    transport,
    onData: (part) => {
      if (part.type !== RECONNECT_PART) return
      reattach.rolledOver((part.data as { generation: string }).generation)
    },
    onFinish: () => {
      if (reattach.takeRollover()) {
        // Not the end of the answer: the response reached the server's lifetime. Follow the
        // generation again (a full replay the AI SDK turns into the same message).
        setRollovers((n) => n + 1)
        return
      }
      // A finished (or stopped, or failed) answer changed the stored chat: tell the chat list.
      window.dispatchEvent(new Event(CHATS_CHANGED))
    },
  })
  // Reattach once the ended request has settled (`useChat` is ready again).
  const { resumeStream } = chat
  useEffect(() => {
    if (rollovers > 0) void resumeStream()
  }, [rollovers, resumeStream])
  const [stopping, setStopping] = useState(false)

  const send = useCallback(
    (text: string, options?: { moderation?: boolean }) =>
      chat.sendMessage({ text }, { body: { moderation: options?.moderation ?? moderation } }),
    [chat, moderation],
  )
  const retry = useCallback(() => chat.regenerate({ body: { moderation } }), [chat, moderation])

  const stop = useCallback(async () => {
    setStopping(true)
    try {
      const result = await apiJson<{ stopped: boolean }>(`/api/chat/${encodeURIComponent(id)}/stop`, { method: 'POST' }).catch(() => ({
        stopped: false,
      }))
      // Stopped on the server: the stream now ends by itself with what was written so far.
      // Nothing was running there (or the server is unreachable): end the local request.
      if (!result.stopped) await chat.stop()
    } catch {
      await chat.stop()
    } finally {
      setStopping(false)
    }
  }, [chat, id])

  return { ...chat, send, retry, stop, stopping, rollovers, busy: chat.status === 'submitted' || chat.status === 'streaming' }
}
