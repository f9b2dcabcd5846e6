/** What the stream inspector needs to know about a response body (`useStreamInspector()`'s recorder). */
export interface StreamObserver {
  begin(): void
  /** Nothing to show (e.g. a chat reattach that found no running answer: `204`). */
  reset(): void
  chunk(bytes: number): void
  end(phase: 'done' | 'stopped' | 'error', error?: string): void
}

/**
 * A `fetch` that reports to `watch` as the response body is read: `begin` when the request
 * starts, `chunk` for every piece of the body as it is read, `end` when the body ends, the
 * request is aborted, or the server refuses it. The body is passed on untouched (a
 * `TransformStream` that counts), so the caller — a demo, or the AI SDK's chat transport — reads
 * it as usual; a refused response is returned as it is, for the caller to read its error.
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
      watch.end('error', `HTTP ${response.status}`)
      return response
    }
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          watch.chunk(chunk.byteLength)
          controller.enqueue(chunk)
        },
        flush: () => watch.end('done'),
      }),
    )
    init?.signal?.addEventListener('abort', () => watch.end('stopped'), { once: true })
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers })
  }
}
