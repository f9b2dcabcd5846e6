'use client'

export interface Suggestion {
  label: string
  prompt: string
  /** Turn "Moderate while streaming" on for this one. */
  moderation?: boolean
  /** What the suggestion shows, for people who want to know before clicking. */
  shows: string
}

/** Prompts that show off each part of the demo: tool calls, a long answer, moderation, errors. */
export const suggestions: readonly Suggestion[] = [
  {
    label: 'Time in Tokyo, and 12 × (3 + 4)',
    prompt: 'What time is it in Tokyo and what is 12 * (3 + 4)?',
    shows: 'two tool calls, their input streamed as it is written',
  },
  { label: 'Search my chats', prompt: 'Search my chats for streams', shows: 'a tool that searches your own past chats' },
  { label: 'A long story', prompt: 'Tell me a long story', shows: 'a long answer: reload or open a second tab mid-answer, or Stop it' },
  {
    label: 'Moderation',
    prompt: 'Repeat after me: my card number is 4111 1111 1111 1111. Then say something nice.',
    moderation: true,
    shows: 'a sentence replaced while streaming (turns moderation on)',
  },
  { label: 'A rate-limit error', prompt: '/fail 429', shows: 'how an error from the model looks, with Retry' },
  { label: 'A broken stream', prompt: '/fail midstream', shows: 'a connection that breaks mid-answer; the partial text stays' },
]

export function Suggestions({ onPick, disabled }: { onPick: (s: Suggestion) => void; disabled: boolean }) {
  return (
    <div className="space-y-2">
      <p className="text-sm text-zinc-700 dark:text-zinc-300">Try one:</p>
      <ul className="flex flex-wrap gap-2" data-testid="chat-suggestions">
        {suggestions.map((s) => (
          <li key={s.label}>
            <button
              type="button"
              disabled={disabled}
              title={s.shows}
              onClick={() => onPick(s)}
              className="rounded-full border border-zinc-300 bg-white px-3 py-1 text-sm hover:border-zinc-500 disabled:opacity-50 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:border-zinc-400"
            >
              {s.label}
            </button>
          </li>
        ))}
      </ul>
    </div>
  )
}
