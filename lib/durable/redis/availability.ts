import type { StreamStore } from '@/lib/durable/store'
import { guarded, guardedIterable } from '@/lib/redis'

/** How the durable streams name themselves in `503 unavailable:store` (`lib/redis/errors.ts`). */
const FEATURE = 'Durable streams'

/** Runs `work`, answering a Redis outage with `503 unavailable:store` for the durable streams. */
export const guard = <T>(work: () => Promise<T>) => guarded(FEATURE, work)
const guardIterable = <T>(source: AsyncIterable<T>) => guardedIterable(FEATURE, source)

/** The same store, answering a Redis outage with `503 unavailable:store`. */
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
