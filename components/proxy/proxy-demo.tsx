'use client'

import { useState } from 'react'
import type { ApiError } from '@/components/api/fetch'
import { issueInWords } from '@/components/api/error-words'
import { Inspector } from '@/components/inspector/inspector'
import { useInspectedFetch } from '@/components/inspector/use-inspected-fetch'
import { Button } from '@/components/ui/button'
import { Card } from '@/components/ui/card'
import { ErrorMessage } from '@/components/ui/error-message'
import { Field, Input } from '@/components/ui/field'
import { readSse } from '@/lib/stream/client'

interface Completion {
  choices?: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }>
}

/**
 * Sends a chat-completions request through `/api/proxy/openai` and reads the upstream's own SSE
 * with a fetch reader and the foundation's SSE reader. Stop aborts the fetch; the proxy aborts
 * the upstream request. A refusal (the proxy's or the upstream's, passed through) shows in words.
 */
export function ProxyDemo({ model: defaultModel, configured }: { model: string; configured: boolean }) {
  const [model, setModel] = useState(defaultModel)
  const [prompt, setPrompt] = useState('Write three short sentences about rivers.')
  const [text, setText] = useState('')
  const [events, setEvents] = useState(0)
  const [status, setStatus] = useState<string>('')
  const [error, setError] = useState<ApiError>()
  const request = useInspectedFetch()

  async function send() {
    setText('')
    setEvents(0)
    setStatus('')
    setError(undefined)
    const failure = await request.run(
      '/api/proxy/openai',
      { method: 'POST', json: { model, stream: true, messages: [{ role: 'user', content: prompt }] } },
      async (res, { signal }) => {
        setStatus(`HTTP ${res.status}`)
        for await (const event of readSse(res, { signal })) {
          setEvents((n) => n + 1)
          if (event.data === '[DONE]') break
          const chunk = JSON.parse(event.data) as Completion
          const delta = chunk.choices?.[0]?.delta?.content
          if (delta) setText((t) => t + delta)
        }
      },
    )
    if (failure?.status) setStatus(`HTTP ${failure.status}`)
    setError(failure)
  }

  const fieldError = (name: string) => {
    const message = error?.field(name)
    return message && issueInWords(message)
  }

  return (
    <div className="space-y-4">
      {!configured && (
        <p
          data-testid="proxy-unconfigured"
          className="rounded-md border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
        >
          No upstream is configured: set <code>OPENAI_API_KEY</code> (and <code>OPENAI_BASE_URL</code> for Ollama, vLLM or LM Studio). Until
          then the proxy answers 503.
        </p>
      )}
      <div className="flex flex-wrap items-start gap-2">
        <Field label="model" error={fieldError('model')} className="w-full sm:w-40">
          {(control) => (
            <Input
              {...control}
              data-testid="proxy-model"
              value={model}
              onChange={(e) => setModel(e.target.value)}
              className="block w-full"
            />
          )}
        </Field>
        <Field label="prompt" error={fieldError('messages')} className="min-w-0 flex-1 basis-60">
          {(control) => (
            <Input
              {...control}
              data-testid="proxy-prompt"
              value={prompt}
              onChange={(e) => setPrompt(e.target.value)}
              className="block w-full"
            />
          )}
        </Field>
        <div className="flex gap-2 self-end">
          <Button variant="primary" data-testid="proxy-send" onClick={() => void send()} disabled={request.running || !prompt.trim()}>
            Send
          </Button>
          <Button data-testid="proxy-stop" onClick={request.stop} disabled={!request.running}>
            Stop
          </Button>
        </div>
      </div>
      {error && <ErrorMessage error={error} fieldsShown={error.issues.length > 0} testId="proxy-error" />}
      <Inspector state={request.state} />
      <Card>
        <h2 className="mb-2 text-sm font-medium">
          Upstream answer{' '}
          <span className="text-xs font-normal text-zinc-600 dark:text-zinc-400" data-testid="proxy-status">
            {status}
          </span>{' '}
          <span className="text-xs font-normal text-zinc-600 dark:text-zinc-400">{events} SSE events</span>
        </h2>
        <p data-testid="proxy-output" className="min-h-12 whitespace-pre-wrap leading-relaxed">
          {text}
        </p>
      </Card>
    </div>
  )
}
