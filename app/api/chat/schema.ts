import { z } from 'zod'
import { chatIdSchema } from '@/lib/chat'

const messageId = z.string().min(1).max(128)

/** A user message as `useChat` sends it: text parts only (Sluice's chat takes no files). */
const userMessage = z.object({
  id: messageId,
  role: z.literal('user'),
  parts: z
    .array(z.object({ type: z.literal('text'), text: z.string().min(1).max(8_000) }))
    .min(1)
    .max(16),
})

/** `POST /api/chat`: the body our `useChat` transport sends (see `components/chat/use-sluice-chat.ts`). */
export const chatRequestSchema = z.discriminatedUnion('trigger', [
  z.object({
    id: chatIdSchema,
    trigger: z.literal('submit-message'),
    message: userMessage,
    messageId: messageId.optional(),
    moderation: z.boolean().optional(),
  }),
  z.object({
    id: chatIdSchema,
    trigger: z.literal('regenerate-message'),
    messageId: messageId.optional(),
    moderation: z.boolean().optional(),
  }),
])

export type ChatRequest = z.infer<typeof chatRequestSchema>
