import type { ResourceKind } from '@/lib/access/owners'
import { ChangeNotifier, type WaitOutcome } from '@/lib/notifier'
import { backend, guarded, type RedisContext, type RedisSource, RemoteChanges } from '@/lib/redis'
import { singleton } from '@/lib/singleton'

/**
 * "What this visitor owns has changed": the guard announces it whenever a stream is claimed or
 * released (`lib/access/guard.ts`), and a live list (`GET /api/durable?live=sse`) waits for it to
 * hear about streams its visitor creates or deletes anywhere — on this instance or, with Redis,
 * on any other. Changes *inside* a stream (appends, close) are the stream store's own wake-ups;
 * this covers only the set of ids a visitor owns.
 *
 * Embedded: the in-process {@link ChangeNotifier} (one process owns the data directory). Redis:
 * a publish on the owner's channel (sharded on a cluster), heard through the store's subscription helper
 * ({@link RemoteChanges}) on the shared subscriber connection, which confirms the subscription
 * before a listener reads — so a change between listening and reading is never missed.
 */
export interface OwnerChangeListener {
  /** Resolves on the first change since listening, the timeout, or `signal`. */
  wait(options: { signal?: AbortSignal; timeoutMs: number }): Promise<WaitOutcome>
  dispose(): void
}

export interface OwnerChanges {
  /** Tells every listener of `owner`'s `kind` list, on every instance. */
  notify(kind: ResourceKind, owner: string): Promise<void>
  /** Listens from now on; resolves once listening (read the list after this, not before). */
  listen(kind: ResourceKind, owner: string): Promise<OwnerChangeListener>
}

/** The kinds whose changes are announced (each announcement costs a `PUBLISH` on Redis). */
export const ANNOUNCED_KINDS: ReadonlySet<ResourceKind> = new Set(['stream'])

const keyOf = (kind: ResourceKind, owner: string) => `${kind}:${owner}`

function localChanges(notifier: ChangeNotifier): OwnerChanges {
  return {
    async notify(kind, owner) {
      notifier.notify(keyOf(kind, owner))
    },
    async listen(kind, owner) {
      return notifier.subscribe(keyOf(kind, owner))
    },
  }
}

function redisChanges(notifier: ChangeNotifier, redisSource: RedisSource): OwnerChanges {
  /** Runs `work` on the process's Redis; an outage is the one honest 503. */
  const withRedis = <T>(work: (redis: RedisContext) => Promise<T>): Promise<T> =>
    guarded('Live stream lists', async () => work(await redisSource()))
  let remote: RemoteChanges | undefined
  // The hash tag keeps the channel with the owner's index key (`owned:{<owner>}:<kind>`) on a cluster.
  const channelOf = (prefix: string, kind: ResourceKind, owner: string) => `${prefix}owned-changed:{${owner}}:${kind}`
  return {
    notify: (kind, owner) =>
      withRedis(async ({ channels, prefix }) => {
        await channels.publish(channelOf(prefix, kind, owner), '')
      }),
    async listen(kind, owner) {
      const key = keyOf(kind, owner)
      const local = notifier.subscribe(key)
      try {
        const release = await withRedis(async (redis) => {
          remote ??= new RemoteChanges(redis.channels, notifier)
          return remote.acquire(key, channelOf(redis.prefix, kind, owner))
        })
        return {
          wait: (options) => local.wait(options),
          dispose: () => {
            local.dispose()
            release()
          },
        }
      } catch (error) {
        local.dispose()
        throw error
      }
    },
  }
}

/** The process-wide announcer: through Redis when the app keeps its state there, in process otherwise. */
export function ownerChanges(): OwnerChanges {
  return singleton<OwnerChanges>('access.owner-changes', () => {
    const notifier = new ChangeNotifier()
    return backend({ embedded: () => localChanges(notifier), redis: (redis) => redisChanges(notifier, redis) })
  })
}
