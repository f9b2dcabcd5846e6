/** What the stream inspector needs to know about a response body (`useStreamInspector()`'s recorder). */
export interface StreamObserver {
  begin(): void
  /** Nothing to show (e.g. a chat reattach that found no running answer: `204`). */
  reset(): void
  chunk(bytes: number): void
  end(phase: 'done' | 'stopped' | 'error', error?: string): void
}

/** What went wrong with a refused response, for developers: the status and the app's error code and message when it sent one. */
async function refusalText(response: Response): Promise<string> {
  const body = (await response
    .clone()
    .json()
    .catch(() => undefined)) as { error?: { code?: unknown; message?: unknown } } | undefined
  const code = typeof body?.error?.code === 'string' ? ` ${body.error.code}` : ''
  const message = typeof body?.error?.message === 'string' ? `: ${body.error.message}` : ''
  return `HTTP ${response.status}${code}${message}`
}

/**
 * A `fetch` that reports to `watch` as the response body is read: `begin` when the request
 * starts, `chunk` for every piece of the body as the caller reads it (not before: the page's own
 * counts and the inspector's agree, paused or not), `end` once — `done` when the body ends,
 * `stopped` when the request is aborted, `error` when the server refuses it (with its code), the
 * network fails, or the body breaks off midway. The body is passed on untouched, so the caller — a
 * demo, or the AI SDK's chat transport — reads it as usual; a refused response is returned as it
 * is, for the caller to read its error.
 */
export function inspectedFetch(
  watch: StreamObserver | undefined,
  fetchImpl: typeof fetch = (input, init) => fetch(input, init),
): typeof fetch {
  return async (input, init) => {
    watch?.begin()
    let response: Response
    try {
      response = await fetchImpl(input, init)
    } catch (error) {
      watch?.end(init?.signal?.aborted ? 'stopped' : 'error', String(error))
      throw error
    }
    if (!watch) return response
    if (response.status === 204) {
      watch.reset()
      return response
    }
    if (!response.ok || !response.body) {
      watch.end('error', response.ok ? `HTTP ${response.status} without a body` : await refusalText(response))
      return response
    }
    let ended = false
    const end = (phase: 'done' | 'stopped' | 'error', error?: string) => {
      if (ended) return
      ended = true
      watch.end(phase, error)
    }
    const reader = response.body.getReader()
    // Pulled only when the caller reads (high-water mark 0): a paused reader leaves the rest uncounted.
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          let next: ReadableStreamReadResult<Uint8Array>
          try {
            next = await reader.read()
          } catch (error) {
            end(init?.signal?.aborted ? 'stopped' : 'error', `the body broke off: ${String(error)}`)
            controller.error(error)
            return
          }
          if (next.done) {
            end('done')
            controller.close()
          } else {
            watch.chunk(next.value.byteLength)
            controller.enqueue(next.value)
          }
        },
        cancel(reason) {
          end('stopped')
          return reader.cancel(reason)
        },
      },
      { highWaterMark: 0 },
    )
    init?.signal?.addEventListener('abort', () => end('stopped'), { once: true })
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers })
  }
}
