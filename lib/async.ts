/** Small async primitives shared by streams, stores and tests. */

/** Resolves after `ms`, or rejects with the signal's reason as soon as `signal` aborts (timer cleared). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    function onAbort() {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

export interface Deferred<T> {
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (reason?: unknown) => void
  readonly settled: boolean
}

/** A promise with its resolve/reject exposed: for exact ordering instead of sleeps. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (reason?: unknown) => void
  let settled = false
  const promise = new Promise<T>((res, rej) => {
    resolve = (v) => {
      settled = true
      res(v)
    }
    reject = (e) => {
      settled = true
      rej(e)
    }
  })
  return {
    promise,
    resolve,
    reject,
    get settled() {
      return settled
    },
  }
}

/** An `AbortError` DOMException, the reason used when Sluice itself cancels work. */
export function abortError(message = 'The operation was aborted'): DOMException {
  return new DOMException(message, 'AbortError')
}

/** True for the errors an aborted signal produces (DOMException AbortError, or our own reason). */
export function isAbortError(error: unknown): boolean {
  return (
    (error instanceof DOMException && (error.name === 'AbortError' || error.name === 'TimeoutError')) ||
    (error instanceof Error && error.name === 'AbortError')
  )
}
