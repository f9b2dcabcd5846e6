import { z } from 'zod'

/**
 * The part of a chat-completions request the proxy checks before forwarding it. Everything
 * else (tools, temperature, …) passes through as sent.
 */
export const chatCompletionsRequest = z.looseObject({
  model: z.string().min(1).max(200),
  messages: z
    .array(z.looseObject({ role: z.string() }))
    .min(1)
    .max(500),
  stream: z.boolean().optional(),
})
