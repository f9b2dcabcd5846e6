'use client'

import { useRef, useState } from 'react'
import { Inspector } from '@/components/inspector/inspector'
import { useStreamInspector } from '@/components/inspector/use-stream-inspector'
import { readSse } from '@/lib/stream/client'

interface Completion {
  choices?: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }>
}

/**
 * Sends a chat-completions request through `/api/proxy/openai` and reads the upstream's own SSE
 * with a fetch reader and the foundation's SSE reader. Stop aborts the fetch; the proxy aborts
 * the upstream request.
 */
export function ProxyDemo({ model: defaultModel, configured }: { model: string; configured: boolean }) {
  const [model, setModel] = useState(defaultModel)
  const [prompt, setPrompt] = useState('Write three short sentences about rivers.')
  const [text, setText] = useState('')
  const [events, setEvents] = useState(0)
  const [status, setStatus] = useState<string>('')
  const inspector = useStreamInspector()
  const abort = useRef<AbortController | null>(null)
  const running = inspector.state.phase === 'connecting' || inspector.state.phase === 'streaming'

  async function send() {
    const controller = new AbortController()
    abort.current = controller
    setText('')
    setEvents(0)
    setStatus('')
    inspector.begin()
    try {
      const res = await fetch('/api/proxy/openai', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: prompt }] }),
        signal: controller.signal,
      })
      setStatus(`HTTP ${res.status}`)
      if (!res.ok) throw new Error(`${res.status}: ${await res.text()}`)
      for await (const event of readSse(res, { signal: controller.signal })) {
        inspector.chunk(event.data.length)
        setEvents((n) => n + 1)
        if (event.data === '[DONE]') break
        const chunk = JSON.parse(event.data) as Completion
        const delta = chunk.choices?.[0]?.delta?.content
        if (delta) setText((t) => t + delta)
      }
      inspector.end(controller.signal.aborted ? 'stopped' : 'done')
    } catch (error) {
      if (controller.signal.aborted) inspector.end('stopped')
      else inspector.end('error', error instanceof Error ? error.message : String(error))
    }
  }

  return (
    <div className="space-y-4">
      {!configured && (
        <p data-testid="proxy-unconfigured" className="rounded-md border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
          No upstream is configured: set <code>OPENAI_API_KEY</code> (and <code>OPENAI_BASE_URL</code> for Ollama, vLLM or LM Studio). Until then the proxy answers 503.
        </p>
      )}
      <div className="flex flex-wrap items-end gap-2">
        <label className="text-sm">
          <span className="block text-xs text-zinc-600 dark:text-zinc-400">model</span>
          <input data-testid="proxy-model" value={model} onChange={(e) => setModel(e.target.value)} className="w-40 rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900" />
        </label>
        <label className="min-w-0 flex-1 text-sm">
          <span className="block text-xs text-zinc-600 dark:text-zinc-400">prompt</span>
          <input data-testid="proxy-prompt" value={prompt} onChange={(e) => setPrompt(e.target.value)} className="w-full rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900" />
        </label>
        <button type="button" data-testid="proxy-send" onClick={() => void send()} disabled={running || !prompt.trim()} className="rounded bg-sky-700 px-4 py-1.5 text-sm font-medium text-white disabled:opacity-50">
          Send
        </button>
        <button type="button" data-testid="proxy-stop" onClick={() => abort.current?.abort()} disabled={!running} className="rounded border border-zinc-300 px-4 py-1.5 text-sm disabled:opacity-50 dark:border-zinc-700">
          Stop
        </button>
      </div>
      <Inspector state={inspector.state} />
      <section className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
        <h2 className="mb-2 text-sm font-medium">
          Upstream answer <span className="text-xs font-normal text-zinc-600 dark:text-zinc-400" data-testid="proxy-status">{status}</span>{' '}
          <span className="text-xs font-normal text-zinc-600 dark:text-zinc-400">{events} SSE events</span>
        </h2>
        <p data-testid="proxy-output" className="min-h-12 whitespace-pre-wrap leading-relaxed">
          {text}
        </p>
      </section>
    </div>
  )
}
