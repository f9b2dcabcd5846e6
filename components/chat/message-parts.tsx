'use client'

import { getToolName, isToolUIPart } from 'ai'
import { Streamdown, type Components } from 'streamdown'
import { FILTERED, type ChatMessage } from '@/lib/chat/client'

type Part = ChatMessage['parts'][number]

const pre = 'overflow-x-auto rounded bg-zinc-100 px-2 py-1 font-mono text-xs dark:bg-zinc-800'

const FILTERED_TAG = 'sluice-filtered'

/** A sentence moderation removed while streaming: marked, so it is visibly not the model's. */
function FilteredMark() {
  return (
    <mark data-testid="filtered" title="Removed by moderation while streaming" className="rounded bg-amber-200 px-1 text-amber-950">
      {FILTERED}
    </mark>
  )
}

/**
 * An answer's text as markdown, rendered by Streamdown: made for streamed text (an unfinished
 * `**bold` or code fence renders as it will end, not as raw symbols), and sanitized (HTML from
 * the model cannot run). `[Content filtered]` becomes a tag of our own, marked.
 */
function Text({ text, streaming }: { text: string; streaming: boolean }) {
  const marked = text.replaceAll(FILTERED, `<${FILTERED_TAG}></${FILTERED_TAG}>`)
  return (
    <div data-testid="part-text" className="min-w-0 leading-relaxed break-words">
      <Streamdown
        mode={streaming ? 'streaming' : 'static'}
        isAnimating={streaming}
        allowedTags={{ [FILTERED_TAG]: [] }}
        components={{ [FILTERED_TAG]: FilteredMark } as Components}
      >
        {marked}
      </Streamdown>
    </div>
  )
}

/** A user's message: exactly what they typed (not markdown). */
function PlainText({ text }: { text: string }) {
  return (
    <p data-testid="part-text" className="whitespace-pre-wrap break-words">
      {text}
    </p>
  )
}

function Reasoning({ text, streaming }: { text: string; streaming: boolean }) {
  return (
    <details data-testid="part-reasoning" open={streaming} className="text-sm text-zinc-600 dark:text-zinc-400">
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
    <div
      data-testid="tool-call"
      data-tool={name}
      data-state={part.state}
      className="space-y-1 rounded-md border border-zinc-200 p-2 text-sm dark:border-zinc-700"
    >
      <div className="flex items-center justify-between gap-2">
        <span className="font-mono font-medium">
          <span className="mr-1 text-xs font-sans text-zinc-600 dark:text-zinc-400">tool</span>
          {name}
        </span>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">{toolStateLabel[part.state] ?? part.state}</span>
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
export function MessageParts({ message, streaming = false }: { message: ChatMessage; streaming?: boolean }) {
  return (
    <>
      {message.parts.map((part, i) => {
        if (part.type === 'text')
          return message.role === 'user' ? <PlainText key={i} text={part.text} /> : <Text key={i} text={part.text} streaming={streaming} />
        if (part.type === 'reasoning') return <Reasoning key={i} text={part.text} streaming={part.state === 'streaming'} />
        if (part.type === 'step-start')
          return i === 0 ? null : <hr key={i} className="border-dashed border-zinc-200 dark:border-zinc-700" />
        if (isToolUIPart(part)) return <ToolCall key={i} part={part} />
        return null
      })}
    </>
  )
}
