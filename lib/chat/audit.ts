import { getToolName, isToolUIPart } from 'ai'
import { streams } from '@/lib/durable'
import { messageText } from '@/lib/chat/store'
import type { ChatMessage, ChatMetadata } from '@/lib/chat/messages'
import type { FilteredSentence } from '@/lib/chat/moderation'

/** The namespace audit streams are created in (visible on `/durable`). */
export const AUDIT_NAMESPACE = 'audit'

/**
 * Document 002's dual stream: besides the answer, each generation leaves one audit record —
 * what was asked, what was answered, which tools ran with which inputs and results, the token
 * usage and how it ended — in its own durable stream in the `audit` namespace.
 */
export interface AuditRecord {
  timestamp: string
  startedAt: string
  chatId: string
  generationId: string
  model: string
  prompt: string
  response: string
  toolCalls: Array<{ toolCallId: string; toolName: string; input: unknown; output?: unknown; error?: string }>
  usage: ChatMetadata['usage'] | null
  finishReason: string | null
  outcome: 'completed' | 'stopped' | 'failed'
  error: ChatMetadata['error'] | null
  moderation: { enabled: boolean; filtered: FilteredSentence[] }
}

export function auditRecord(input: {
  chatId: string
  generationId: string
  model: string
  startedAt: number
  prompt: ChatMessage | undefined
  answer: ChatMessage | undefined
  moderation: boolean
  filtered: FilteredSentence[]
}): AuditRecord {
  const meta = input.answer?.metadata ?? {}
  const toolCalls = (input.answer?.parts ?? []).filter(isToolUIPart).map((p) => ({
    toolCallId: p.toolCallId,
    toolName: getToolName(p),
    input: p.input,
    ...(p.state === 'output-available' ? { output: p.output } : {}),
    ...(p.state === 'output-error' ? { error: p.errorText } : {}),
  }))
  return {
    timestamp: new Date().toISOString(),
    startedAt: new Date(input.startedAt).toISOString(),
    chatId: input.chatId,
    generationId: input.generationId,
    model: input.model,
    prompt: input.prompt ? messageText(input.prompt) : '',
    response: input.answer ? messageText(input.answer) : '',
    toolCalls,
    usage: meta.usage ?? null,
    finishReason: meta.finishReason ?? null,
    outcome: meta.error ? 'failed' : meta.stopped ? 'stopped' : 'completed',
    error: meta.error ?? null,
    moderation: { enabled: input.moderation, filtered: input.filtered },
  }
}

/** Writes the record to a new, closed JSON stream in the audit namespace; returns its id. */
export async function writeAudit(record: AuditRecord): Promise<string> {
  const stream = await streams.create(AUDIT_NAMESPACE, {
    contentType: 'application/json',
    metadata: { chatId: record.chatId, generationId: record.generationId, outcome: record.outcome },
    ttl: null,
  })
  await stream.write(record)
  await stream.close()
  return stream.id
}
