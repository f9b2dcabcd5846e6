import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ErrorReply,
  MaxCommandRedirectionsError,
  ReconnectStrategyError,
  RootNodesUnavailableError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
} from 'redis'
import { AppError } from '@/lib/errors'

/**
 * Redis being unreachable is not a bug of Sluice: requests that need it fail at once (the
 * connections do not queue commands while offline) with `503 unavailable:store`, naming the
 * feature, and succeed again as soon as the connection is back. This is the one mapping every
 * Redis backend uses.
 */

const CONNECTION_ERRORS = [
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  MaxCommandRedirectionsError,
  ReconnectStrategyError,
  RootNodesUnavailableError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
]

/**
 * Replies a Redis Cluster gives while a master is down or a slot is moving: the whole cluster
 * (`CLUSTERDOWN`, until a replica is promoted), a slot being migrated (`TRYAGAIN`), a node still
 * loading its data (`LOADING`), or a demoted master (`READONLY`, `MASTERDOWN`). Each passes.
 */
const TRANSIENT_REPLIES = /^(CLUSTERDOWN|TRYAGAIN|LOADING|READONLY|MASTERDOWN|NOREPLICAS)\b/

/** Whether `error` means "Redis cannot be reached (or cannot answer) right now". */
export function isOutage(error: unknown): boolean {
  if (CONNECTION_ERRORS.some((type) => error instanceof type)) return true
  return error instanceof ErrorReply && TRANSIENT_REPLIES.test(error.message)
}

/** `error` as a client should see it: an outage becomes `503 unavailable:store` naming `feature`. */
export function asUnavailable(error: unknown, feature: string): unknown {
  if (!isOutage(error)) return error
  return new AppError('unavailable:store', `${feature} unavailable: Redis is unreachable; try again shortly`, { cause: error })
}

/** Runs `work`, answering an outage with `503 unavailable:store` for `feature`. */
export async function guarded<T>(feature: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw asUnavailable(error, feature)
  }
}

/** The same iteration, answering an outage with `503 unavailable:store` for `feature`. */
export async function* guardedIterable<T>(feature: string, source: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* source
  } catch (error) {
    throw asUnavailable(error, feature)
  }
}
