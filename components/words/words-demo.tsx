'use client'

import { useRef, useState } from 'react'
import { Inspector } from '@/components/inspector/inspector'
import { useLiveMetrics } from '@/components/feed/use-live-metrics'
import { useHydrated } from '@/components/ui/use-hydrated'
import { useStreamInspector } from '@/components/inspector/use-stream-inspector'
import { readText } from '@/lib/stream/client'

interface Arrival {
  text: string
  atMs: number
}

/** Reads `/api/stream/words` with a fetch reader; Stop cancels the read, and the server's generator stops. */
export function WordsDemo() {
  const hydrated = useHydrated()
  const [count, setCount] = useState(40)
  const [delay, setDelay] = useState(150)
  const [arrivals, setArrivals] = useState<Arrival[]>([])
  const inspector = useStreamInspector()
  const metrics = useLiveMetrics()
  const abort = useRef<AbortController | null>(null)
  const running = inspector.state.phase === 'connecting' || inspector.state.phase === 'streaming'

  async function start() {
    abort.current?.abort()
    const controller = new AbortController()
    abort.current = controller
    setArrivals([])
    inspector.begin()
    const t0 = performance.now()
    try {
      const res = await fetch(`/api/stream/words?count=${count}&delay=${delay}`, { signal: controller.signal })
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null
        throw new Error(body?.error?.message ?? `HTTP ${res.status}`)
      }
      for await (const text of readText(res, { signal: controller.signal })) {
        inspector.chunk(new TextEncoder().encode(text).byteLength)
        setArrivals((a) => [...a, { text, atMs: performance.now() - t0 }])
      }
      inspector.end(controller.signal.aborted ? 'stopped' : 'done')
    } catch (error) {
      if (controller.signal.aborted) inspector.end('stopped')
      else inspector.end('error', error instanceof Error ? error.message : String(error))
    }
  }

  const active = metrics.latest?.activeByKind.words ?? 0

  return (
    <div className="space-y-4">
      <fieldset disabled={!hydrated} className="m-0 flex min-w-0 flex-wrap items-end gap-3 border-0 p-0">
        <label className="text-sm">
          <span className="block text-xs text-zinc-600 dark:text-zinc-400">tokens</span>
          <input
            type="number"
            min={1}
            max={10000}
            value={count}
            onChange={(e) => setCount(Number(e.target.value))}
            className="w-24 rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
            data-testid="words-count"
          />
        </label>
        <label className="text-sm">
          <span className="block text-xs text-zinc-600 dark:text-zinc-400">delay (ms)</span>
          <input
            type="number"
            min={0}
            max={10000}
            value={delay}
            onChange={(e) => setDelay(Number(e.target.value))}
            className="w-24 rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
            data-testid="words-delay"
          />
        </label>
        <button
          type="button"
          onClick={() => void start()}
          disabled={running}
          className="rounded bg-sky-700 px-4 py-1.5 text-sm font-medium text-white disabled:opacity-50"
          data-testid="words-start"
        >
          Stream
        </button>
        <button
          type="button"
          onClick={() => abort.current?.abort()}
          disabled={!running}
          className="rounded border border-zinc-300 px-4 py-1.5 text-sm disabled:opacity-50 dark:border-zinc-700"
          data-testid="words-stop"
        >
          Stop
        </button>
        <p className="ml-auto text-sm">
          server: <span data-testid="words-active">{metrics.latest ? active : '…'}</span> words stream(s) open
        </p>
      </fieldset>

      <Inspector state={inspector.state} />

      <section className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
        <h2 className="mb-2 text-sm font-medium">Received text</h2>
        <p className="min-h-12 whitespace-pre-wrap font-serif text-lg leading-relaxed" data-testid="words-output">
          {arrivals.map((a, i) => (
            <span key={i} title={`+${Math.round(a.atMs)} ms`}>
              {a.text}
            </span>
          ))}
        </p>
        <ol className="mt-3 max-h-48 overflow-y-auto font-mono text-xs text-zinc-600 dark:text-zinc-400" data-testid="words-arrivals">
          {arrivals.map((a, i) => (
            <li key={i}>
              #{i + 1} +{Math.round(a.atMs)} ms {JSON.stringify(a.text)}
            </li>
          ))}
        </ol>
      </section>
    </div>
  )
}
