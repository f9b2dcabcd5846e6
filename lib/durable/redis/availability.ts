import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
} from 'redis'
import type { StreamStore } from '@/lib/durable/store'
import { AppError } from '@/lib/errors'

/**
 * Redis being unreachable is not a bug of Sluice: requests fail at once (the connections do not
 * queue commands while offline) with `503 unavailable:store`, and succeed again as soon as the
 * connection is back. This wraps a store so that its connection errors become that answer.
 */

const CONNECTION_ERRORS = [
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
]

/** `error` as the client should see it: connection failures become `unavailable:store`. */
export function asUnavailable(error: unknown): unknown {
  if (!CONNECTION_ERRORS.some((type) => error instanceof type)) return error
  return new AppError('unavailable:store', 'The stream store (Redis) is unreachable; try again shortly', { cause: error })
}

async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw asUnavailable(error)
  }
}

async function* guardIterable<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* source
  } catch (error) {
    throw asUnavailable(error)
  }
}

/** The same store, answering connection failures with `503 unavailable:store`. */
export function withUnavailableErrors(store: StreamStore): StreamStore {
  return {
    create: (path, spec) => guard(() => store.create(path, spec)),
    lookup: (path) => guard(() => store.lookup(path)),
    touch: (path) => guard(() => store.touch(path)),
    append: (path, input) => guard(() => store.append(path, input)),
    read: (meta, from, to, signal) => guardIterable(store.read(meta, from, to, signal)),
    readCompressed: (meta, signal) => {
      const source = store.readCompressed(meta, signal)
      return source && guardIterable(source)
    },
    waitForChange: (path, after, options) => guard(() => store.waitForChange(path, after, options)),
    delete: (path) => guard(() => store.delete(path)),
    list: (query) => guard(() => store.list(query)),
    sweep: () => guard(() => store.sweep()),
    dispose: () => store.dispose(),
  }
}
