'use client'

import { useState } from 'react'
import type { ApiError } from '@/components/api/fetch'
import type { FieldLimits } from '@/components/api/schema-limits'
import { issueInWords } from '@/components/api/error-words'
import { Inspector } from '@/components/inspector/inspector'
import { useInspectedFetch } from '@/components/inspector/use-inspected-fetch'
import { useLiveMetrics } from '@/components/feed/use-live-metrics'
import { Button } from '@/components/ui/button'
import { Card } from '@/components/ui/card'
import { ErrorMessage } from '@/components/ui/error-message'
import { NumberField } from '@/components/ui/field'
import { useHydrated } from '@/components/ui/use-hydrated'
import { readText } from '@/lib/stream/client'

interface Arrival {
  text: string
  atMs: number
}

const FIELDS = [
  { name: 'count', label: 'tokens' },
  { name: 'delay', label: 'delay (ms)' },
] as const

/**
 * Reads `/api/words` with a fetch reader; Stop cancels the read, and the server's generator
 * stops. `limits`: the bounds of `count` and `delay` from the route's own query schema.
 */
export function WordsDemo({ limits }: { limits: Record<'count' | 'delay', FieldLimits> }) {
  const hydrated = useHydrated()
  const [values, setValues] = useState({ count: String(limits.count.default ?? 40), delay: String(limits.delay.default ?? 150) })
  const [arrivals, setArrivals] = useState<Arrival[]>([])
  const [error, setError] = useState<ApiError>()
  const request = useInspectedFetch()
  const metrics = useLiveMetrics()

  async function start() {
    setArrivals([])
    setError(undefined)
    const t0 = performance.now()
    const query = new URLSearchParams(values)
    const failure = await request.run(`/api/words?${query}`, {}, async (res, { signal }) => {
      for await (const text of readText(res, { signal })) {
        setArrivals((a) => [...a, { text, atMs: performance.now() - t0 }])
      }
    })
    setError(failure)
  }

  const active = metrics.latest?.activeByKind.words ?? 0
  const fieldError = (name: string) => {
    const message = error?.field(name)
    return message && issueInWords(message)
  }

  return (
    <div className="space-y-4">
      <fieldset disabled={!hydrated} className="m-0 flex min-w-0 flex-wrap items-start gap-3 border-0 p-0">
        {FIELDS.map(({ name, label }) => (
          <NumberField
            key={name}
            label={label}
            limits={limits[name]}
            value={values[name]}
            onChange={(value) => setValues((v) => ({ ...v, [name]: value }))}
            error={fieldError(name)}
            errorTestId={`words-${name}-error`}
            testId={`words-${name}`}
          />
        ))}
        <div className="flex gap-3 self-end">
          <Button variant="primary" onClick={() => void start()} disabled={request.running} data-testid="words-start">
            Stream
          </Button>
          <Button onClick={request.stop} disabled={!request.running} data-testid="words-stop">
            Stop
          </Button>
        </div>
        <p className="ml-auto self-end text-sm">
          server: <span data-testid="words-active">{metrics.latest ? active : '…'}</span> words stream(s) open
        </p>
      </fieldset>

      {error && <ErrorMessage error={error} fieldsShown={error.issues.length > 0} testId="words-error" />}

      <Inspector state={request.state} />

      <Card>
        <h2 className="mb-2 text-sm font-medium">Received text</h2>
        <p className="min-h-12 whitespace-pre-wrap font-serif text-lg leading-relaxed" data-testid="words-output">
          {arrivals.map((a, i) => (
            <span key={i} title={`+${Math.round(a.atMs)} ms`}>
              {a.text}
            </span>
          ))}
        </p>
        <ol
          className="mt-3 max-h-48 overflow-y-auto font-mono text-xs text-zinc-600 dark:text-zinc-400"
          data-testid="words-arrivals"
          tabIndex={0}
          aria-label="Arrivals"
        >
          {arrivals.map((a, i) => (
            <li key={i}>
              #{i + 1} +{Math.round(a.atMs)} ms {JSON.stringify(a.text)}
            </li>
          ))}
        </ol>
      </Card>
    </div>
  )
}
