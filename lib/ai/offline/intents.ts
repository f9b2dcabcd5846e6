/**
 * What the offline model "understands" in a user message: requests for one of the tools it
 * knows, in the order they appear, and the demo triggers that make it fail on purpose.
 * Deliberately small and predictable: it is a stand-in for a model, not a language parser.
 */
import { resolveTimeZone } from '@/lib/ai/tools/time'

export type Intent =
  | { tool: 'currentTime'; input: { timeZone: string }; at: number }
  | { tool: 'calculate'; input: { expression: string }; at: number }
  | { tool: 'searchData'; input: { query: string }; at: number }

/** `/fail 429` and friends: the offline model fails the way a provider would, for trying the error UI. */
export type FailureTrigger = { kind: 'status'; status: 401 | 429 | 500 | 503 } | { kind: 'midstream' }

export function failureTrigger(text: string): FailureTrigger | undefined {
  const m = /^\s*\/fail\s+(401|429|500|503|midstream)\b/i.exec(text)
  if (!m) return undefined
  return m[1]!.toLowerCase() === 'midstream' ? { kind: 'midstream' } : { kind: 'status', status: Number(m[1]) as 401 | 429 | 500 | 503 }
}

function timeIntent(text: string): Intent | undefined {
  const m = /\b(?:what\s+time|the\s+time|time\s+is\s+it|current\s+time|clock)\b/i.exec(text)
  if (!m) return undefined
  // "... in Tokyo", "... in New York and ...", "... in Europe/Paris?"
  const place = /\bin\s+([\p{L}][\p{L}_\/ -]*?)(?=\s+(?:and|or|then|right|now)\b|[?.!,;]|$)/iu.exec(text.slice(m.index))
  let timeZone = 'UTC'
  if (place) {
    try {
      timeZone = resolveTimeZone(place[1]!)
    } catch {
      timeZone = place[1]!.trim() // let the tool report the unknown zone, as a real model's guess would
    }
  }
  return { tool: 'currentTime', input: { timeZone }, at: m.index }
}

const WORD_OPS: Array<[RegExp, string]> = [
  [/\bmultiplied\s+by\b|\btimes\b/gi, ' * '],
  [/\bdivided\s+by\b/gi, ' / '],
  [/\bplus\b/gi, ' + '],
  [/\bminus\b/gi, ' - '],
  [/\bsquared\b/gi, ' ^ 2 '],
  [/\bto\s+the\s+power\s+of\b/gi, ' ^ '],
  [/(\d)\s*x\s*(?=\d)/gi, '$1 * '],
]

function calculationIntent(text: string): Intent | undefined {
  let spoken = text
  for (const [re, op] of WORD_OPS) spoken = spoken.replace(re, op)
  const candidates = spoken.match(/(?:\b(?:sqrt|abs|round|floor|ceil|ln|log|min|max|pi)\b|[\d.+\-*/^%(),\s])+/gi) ?? []
  for (const raw of candidates) {
    const expression = raw
      .trim()
      .replace(/^[*/^%,)]+|[-+*/^%,(]+$/g, '')
      .trim()
    const hasOperator = /\d\s*[-+*/^%]\s*[\d(a-z.]|\b(?:sqrt|abs|round|floor|ceil|ln|log|min|max)\s*\(/i.test(expression)
    if (/\d/.test(expression) && hasOperator) return { tool: 'calculate', input: { expression }, at: spoken.indexOf(raw) }
  }
  return undefined
}

function searchIntent(text: string): Intent | undefined {
  const m =
    /\b(?:search|find|look\s+up|lookup)\b\s+(?:(?:for|my|the|stored|data|chats?|conversations?|about)\s+)*["“]?(.+?)["”]?(?:\s+in\s+(?:my|the|stored|sluice)\b.*)?(?=[?.!]|$)/i.exec(
      text,
    )
  const query = m?.[1]?.trim()
  if (!m || !query) return undefined
  return { tool: 'searchData', input: { query: query.slice(0, 200) }, at: m.index }
}

/** The tool requests in `text`, in the order they appear. */
export function detectIntents(text: string): Intent[] {
  const found = [timeIntent(text), calculationIntent(text), searchIntent(text)].filter((i): i is Intent => i !== undefined)
  return found.sort((a, b) => a.at - b.at)
}

/** Asked for a long answer (the offline model then writes 12 sentences instead of 5). */
export function wantsLongAnswer(text: string): boolean {
  return /\b(?:long|story|essay|in\s+detail|detailed|explain|everything)\b/i.test(text)
}
