'use client'

import { useId, useState } from 'react'
import { apiFetch, ApiError, toApiError } from '@/components/api/fetch'
import type { StreamDetails } from '@/components/durable/use-stream-list'
import { Button } from '@/components/ui/button'
import { Card } from '@/components/ui/card'
import { CurlCommand } from '@/components/ui/curl-command'
import { ErrorMessage } from '@/components/ui/error-message'
import { TextArea } from '@/components/ui/field'

/**
 * Writing to one of the visitor's own open streams over the protocol itself: `POST
 * /v1/stream/<id>` with the stream's content type appends (the answer's `Stream-Next-Offset` is
 * where the next append will start), `POST` with `Stream-Closed: true` and no body closes it for
 * good. The page's identity cookie is what lets it write: the stream is the visitor's.
 */

const isJson = (contentType: string) => contentType.split(';')[0]!.trim().toLowerCase() === 'application/json'

export function StreamAppend({ info, onClosed }: { info: StreamDetails; onClosed: () => void }) {
  const uid = useId()
  const json = isJson(info.contentType)
  const [text, setText] = useState(json ? '{"hello":"world"}' : 'hello')
  const [newline, setNewline] = useState(!json)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<{ offset: string; bytes: number }>()
  const [error, setError] = useState<ApiError>()
  const url = `/v1/stream/${info.id}`

  async function post(headers: Record<string, string>, body: string | undefined): Promise<Response | undefined> {
    setBusy(true)
    setError(undefined)
    try {
      return await apiFetch(url, { method: 'POST', headers, body })
    } catch (cause) {
      setError(toApiError(cause))
      return undefined
    } finally {
      setBusy(false)
    }
  }

  async function append(event: React.FormEvent) {
    event.preventDefault()
    setResult(undefined)
    const body = newline ? `${text}\n` : text
    if (json) {
      try {
        JSON.parse(text)
      } catch {
        setError(
          new ApiError(
            'bad_request:json',
            'Not valid JSON: a JSON stream takes one JSON value per append (a top-level array adds one message per element).',
          ),
        )
        return
      }
    } else if (body === '') {
      setError(new ApiError('bad_request:body', 'Nothing to write: an append needs at least one byte.'))
      return
    }
    const res = await post({ 'Content-Type': info.contentType }, body)
    if (res) setResult({ offset: res.headers.get('Stream-Next-Offset') ?? '?', bytes: new TextEncoder().encode(body).byteLength })
  }

  async function close() {
    const res = await post({ 'Stream-Closed': 'true' }, undefined)
    if (res) onClosed()
  }

  return (
    <Card className="space-y-3" aria-labelledby={`${uid}-title`} data-testid="append">
      <h3 id={`${uid}-title`} className="text-sm font-medium">
        Write to this stream
      </h3>
      <form onSubmit={(e) => void append(e)} className="space-y-2">
        <label htmlFor={`${uid}-text`} className="block text-xs text-zinc-600 dark:text-zinc-400">
          {json
            ? 'One JSON value per append: it becomes one message (a top-level array: one message per element).'
            : `Text, appended as UTF-8 bytes to this ${info.contentType} stream.`}
        </label>
        <TextArea
          id={`${uid}-text`}
          rows={3}
          className="w-full font-mono"
          value={text}
          aria-invalid={error?.code === 'bad_request:json' || undefined}
          onChange={(e) => setText(e.target.value)}
          data-testid="append-text"
        />
        <div className="flex flex-wrap items-center gap-3">
          {!json && (
            <label className="flex items-center gap-1 text-sm">
              <input type="checkbox" checked={newline} onChange={(e) => setNewline(e.target.checked)} data-testid="append-newline" />
              end with a line break
            </label>
          )}
          <Button type="submit" variant="primary" disabled={busy} data-testid="append-submit">
            Append
          </Button>
          <Button disabled={busy} onClick={() => void close()} data-testid="append-close">
            Close the stream
          </Button>
        </div>
      </form>
      {result && (
        <p className="text-sm" data-testid="append-result">
          Appended {result.bytes} bytes; the server answered <code>Stream-Next-Offset:</code>{' '}
          <code className="break-all" data-testid="append-offset">
            {result.offset}
          </code>{' '}
          (where the next append starts, and what a reader that has everything so far resumes from).
        </p>
      )}
      {error && <ErrorMessage error={error} testId="append-error" />}
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        Close ends the stream for good: readers get the end, writes are refused (409)
        {info.compressed ? ', and the server gzips it at rest' : ''}.
      </p>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        From a terminal: a visitor’s stream takes writes from its owner’s cookie, and this one’s is in your browser — so make one with a
        cookie jar and write to its <code>url</code> with the same jar (<code>-i</code> shows <code>Stream-Next-Offset</code>):
      </p>
      <CurlCommand
        command={`curl -b ~/.sluice -c ~/.sluice -H 'Content-Type: application/json' -d '{"namespace":"notes","contentType":"${info.contentType}"}' {origin}/api/durable\ncurl -b ~/.sluice -i -X POST -H 'Content-Type: ${info.contentType}' -d '${json ? '{"n":1}' : 'more text'}' <url>\ncurl -b ~/.sluice -X POST -H 'Stream-Closed: true' <url>`}
      />
    </Card>
  )
}
