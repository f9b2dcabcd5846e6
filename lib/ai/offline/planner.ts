import type { LanguageModelV4Prompt, LanguageModelV4ToolResultOutput } from '@ai-sdk/provider'
import { detectIntents, failureTrigger, wantsLongAnswer, type FailureTrigger, type Intent } from '@/lib/ai/offline/intents'
import { hash, OPENINGS, pick, random, SENTENCES } from '@/lib/ai/offline/text'

/** One step of the offline model: what it "thinks", then either text or one tool call. */
export interface Turn {
  reasoning: string
  action: { type: 'text'; text: string } | { type: 'tool-call'; toolName: Intent['tool']; input: Intent['input'] }
  failure?: FailureTrigger
}

interface ToolOutcome {
  toolName: string
  output: LanguageModelV4ToolResultOutput
}

const quote = (s: string, max = 80) => `“${s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s}”`

function textOf(message: LanguageModelV4Prompt[number]): string {
  if (message.role === 'system') return message.content
  return message.content
    .flatMap((p) => (p.type === 'text' ? [p.text] : []))
    .join(' ')
    .trim()
}

/** The seed: the whole conversation's text, so the same conversation always gets the same answer. */
function seedOf(prompt: LanguageModelV4Prompt): number {
  return hash(prompt.map((m) => `${m.role}:${textOf(m)}`).join('\n'))
}

function describe(intent: Intent): string {
  switch (intent.tool) {
    case 'currentTime':
      return `the current time in ${intent.input.timeZone}`
    case 'calculate':
      return `the value of ${intent.input.expression}`
    case 'searchData':
      return `stored data matching ${quote(intent.input.query)}`
  }
}

function summarize({ toolName, output }: ToolOutcome): string {
  if (output.type === 'error-text' || output.type === 'error-json') {
    const why = (output.type === 'error-text' ? output.value : JSON.stringify(output.value)).replace(/^\w*Error: /, '')
    return `The ${toolName} tool failed: ${why}${/[.!?]$/.test(why) ? '' : '.'}`
  }
  if (output.type !== 'json') return `The ${toolName} tool returned nothing I can read.`
  const v = output.value as Record<string, unknown>
  switch (toolName) {
    case 'currentTime':
      return `In ${String(v.timeZone)} it is ${String(v.local)} (UTC${String(v.utcOffset)}).`
    case 'calculate':
      return `${String(v.expression)} = ${String(v.result)}.`
    case 'searchData': {
      const hits = (v.hits as Array<{ title: string; snippet: string }>) ?? []
      if (hits.length === 0) return `Nothing stored in Sluice matches ${quote(String(v.query))} yet.`
      const lines = hits.map((h) => `\n- ${h.title}: ${h.snippet}`).join('')
      return `I found ${hits.length} stored message${hits.length === 1 ? '' : 's'} matching ${quote(String(v.query))}:${lines}\n`
    }
    default:
      return `The ${toolName} tool returned ${JSON.stringify(v)}.`
  }
}

/**
 * Decides the next step from the prompt, deterministically. If the last user message asks for
 * tools, they are called one per step, in order; once every result is back, the answer reports
 * them. Otherwise the answer is a few sentences chosen by a seed taken from the conversation.
 */
export function plan(prompt: LanguageModelV4Prompt, availableTools: ReadonlySet<string>): Turn {
  let lastUser = -1
  for (let i = prompt.length - 1; i >= 0; i--) {
    if (prompt[i]!.role === 'user') {
      lastUser = i
      break
    }
  }
  const question = lastUser >= 0 ? textOf(prompt[lastUser]!) : ''
  const rand = random(seedOf(prompt))
  const failure = failureTrigger(question)
  if (failure) {
    return {
      reasoning: 'The user asked me to fail on purpose, to try the error handling.',
      action: { type: 'text', text: pick(SENTENCES, 12, rand).join(' ') },
      failure,
    }
  }

  const echo = /^\s*(?:repeat after me|say exactly)\s*:?\s*([\s\S]+)$/i.exec(question)?.[1]?.trim()
  if (echo) {
    return { reasoning: 'The user wants these exact words back; I will repeat them.', action: { type: 'text', text: echo } }
  }

  const intents = detectIntents(question).filter((i) => availableTools.has(i.tool))
  const outcomes: ToolOutcome[] = prompt
    .slice(lastUser + 1)
    .flatMap((m) =>
      m.role === 'tool' ? m.content.flatMap((p) => (p.type === 'tool-result' ? [{ toolName: p.toolName, output: p.output }] : [])) : [],
    )

  const next = intents[outcomes.length]
  if (next) {
    const reasoning =
      outcomes.length === 0
        ? `The user asks for ${intents.map(describe).join(' and ')}. I cannot know that without a tool, so I will call ${next.tool} first.`
        : `I have ${outcomes.length} result${outcomes.length === 1 ? '' : 's'}. Next I need ${describe(next)}, so I call ${next.tool}.`
    return { reasoning, action: { type: 'tool-call', toolName: next.tool, input: next.input } }
  }

  if (outcomes.length > 0) {
    const text = [...outcomes.map(summarize), pick(SENTENCES, 1, rand)[0]].join(' ')
    return {
      reasoning: `All ${outcomes.length} tool result${outcomes.length === 1 ? ' is' : 's are'} back. I will report ${outcomes.length === 1 ? 'it' : 'them'} plainly.`,
      action: { type: 'text', text },
    }
  }

  const long = wantsLongAnswer(question)
  const count = long ? 12 : 5
  const opening = pick(OPENINGS, 1, rand)[0]!
  const body = pick(SENTENCES, count, rand)
  const paragraphs = long ? [body.slice(0, 4), body.slice(4, 8), body.slice(8)].map((p) => p.join(' ')) : [body.join(' ')]
  const text = `${opening} ${paragraphs.join('\n\n')}`
  return {
    reasoning: `The user wrote ${quote(question || '(nothing)')}. No tool is needed; I will answer from what I know about streaming${long ? ', at length as asked' : ''}.`,
    action: { type: 'text', text },
  }
}
