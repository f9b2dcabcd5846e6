'use client'

import { getToolName, isToolUIPart } from 'ai'
import { FILTERED, type ChatMessage } from '@/lib/chat/messages'

type Part = ChatMessage['parts'][number]

const pre = 'overflow-x-auto rounded bg-zinc-100 px-2 py-1 font-mono text-xs dark:bg-zinc-800'

/** Text with `[Content filtered]` marked, so a moderated sentence is visibly not the model's. */
function Text({ text }: { text: string }) {
  const pieces = text.split(FILTERED)
  return (
    <p data-testid="part-text" className="whitespace-pre-wrap leading-relaxed">
      {pieces.map((piece, i) => (
        <span key={i}>
          {piece}
          {i < pieces.length - 1 && (
            <mark data-testid="filtered" title="Removed by moderation while streaming" className="rounded bg-amber-200 px-1 text-amber-900">
              {FILTERED}
            </mark>
          )}
        </span>
      ))}
    </p>
  )
}

function Reasoning({ text, streaming }: { text: string; streaming: boolean }) {
  return (
    <details data-testid="part-reasoning" open={streaming} className="text-sm text-zinc-500">
      <summary className="cursor-pointer select-none">{streaming ? 'Thinking…' : 'Reasoning'}</summary>
      <p className="mt-1 whitespace-pre-wrap border-l-2 border-zinc-300 pl-3 italic dark:border-zinc-700">{text}</p>
    </details>
  )
}

const toolStateLabel: Record<string, string> = {
  'input-streaming': 'writing input…',
  'input-available': 'running…',
  'output-available': 'done',
  'output-error': 'failed',
  'output-denied': 'denied',
}

/** A tool call: its input while the model writes it, then its result (or error). */
function ToolCall({ part }: { part: Extract<Part, { toolCallId: string }> }) {
  const name = getToolName(part)
  const input: unknown = part.input
  return (
    <div data-testid="tool-call" data-tool={name} data-state={part.state} className="space-y-1 rounded-md border border-zinc-200 p-2 text-sm dark:border-zinc-700">
      <div className="flex items-center justify-between gap-2">
        <span className="font-mono font-medium"><span className="mr-1 text-xs font-sans text-zinc-500">tool</span>{name}</span>
        <span className="text-xs text-zinc-500">{toolStateLabel[part.state] ?? part.state}</span>
      </div>
      <pre data-testid="tool-input" className={pre}>
        {input === undefined ? '…' : JSON.stringify(input)}
      </pre>
      {part.state === 'output-available' && (
        <pre data-testid="tool-output" className={pre}>
          {JSON.stringify(part.output, null, 2)}
        </pre>
      )}
      {part.state === 'output-error' && (
        <p data-testid="tool-error" className="text-red-600 dark:text-red-400">
          {part.errorText}
        </p>
      )}
    </div>
  )
}

/** Every part of a message, in the order it arrived: reasoning, steps, tool calls and text. */
export function MessageParts({ message }: { message: ChatMessage }) {
  return (
    <>
      {message.parts.map((part, i) => {
        if (part.type === 'text') return <Text key={i} text={part.text} />
        if (part.type === 'reasoning') return <Reasoning key={i} text={part.text} streaming={part.state === 'streaming'} />
        if (part.type === 'step-start') return i === 0 ? null : <hr key={i} className="border-dashed border-zinc-200 dark:border-zinc-700" />
        if (isToolUIPart(part)) return <ToolCall key={i} part={part} />
        return null
      })}
    </>
  )
}
