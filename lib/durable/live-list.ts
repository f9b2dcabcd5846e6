import type { OwnerChangeListener } from '@/lib/access'
import { sleep } from '@/lib/async'
import { streamStore } from '@/lib/durable/instance'
import type { StreamInfo } from '@/lib/durable/service'

/**
 * A list of streams kept up to date: the page as it is now, then the page again each time it
 * may have changed — never on a timer when something can tell it:
 *
 * - a stream on the page is written to, closed or deleted: the store's own wake-up
 *   (`waitForChange`, the one live readers use; with Redis it comes from whichever instance
 *   wrote), for each open stream on the page;
 * - the set of streams changed (one made or deleted anywhere): `listen`, the owner's
 *   announcements (`lib/access/owner-changes.ts`). Without it (the operator, who sees every
 *   stream, including those nobody owns and nothing announces) the list is read again every
 *   {@link RESCAN_MS};
 * - a stream on the page reaches its expiry: a timer for the earliest one.
 *
 * Listening starts before each read, so a change between the read and the wait is not missed.
 * Bursts are coalesced: after a wake-up the next read waits {@link COALESCE_MS} (an export
 * writing thousands of rows a second gives four lists a second, not thousands), and a page
 * identical to the last one sent is not sent again. The list ends after `lifetimeMs`; clients
 * connect again and get the whole page first, so nothing is lost in between.
 */

export interface ListPage {
  total: number
  streams: StreamInfo[]
}

export interface LiveListSource<P extends ListPage> {
  /** The page as it is now. */
  read(): Promise<P>
  /** Listens for changes to the set of streams; `undefined`: read again every {@link RESCAN_MS}. */
  listen: (() => Promise<OwnerChangeListener>) | undefined
}

export const COALESCE_MS = 250
export const RESCAN_MS = 5_000

/** Resolves when the first of `waits` does (they all end when `stop` is aborted, which the caller does next). */
function first(waits: Promise<unknown>[]): Promise<void> {
  return Promise.race(
    waits.map((w) =>
      w.then(
        () => undefined,
        () => undefined,
      ),
    ),
  )
}

/** Pages of `source`: the first at once, then each different one after a change, until `signal` or `lifetimeMs`. */
export async function* liveList<P extends ListPage>(
  source: LiveListSource<P>,
  options: { signal: AbortSignal; lifetimeMs: number },
): AsyncGenerator<P> {
  const { signal } = options
  const endAt = Date.now() + options.lifetimeMs
  const store = await streamStore()
  let last: string | undefined
  while (!signal.aborted && Date.now() < endAt) {
    const listener = await source.listen?.()
    const stop = new AbortController()
    const onAbort = () => stop.abort()
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      const page = await source.read()
      const text = JSON.stringify(page)
      if (text !== last) {
        last = text
        yield page
      }
      const now = Date.now()
      const timeoutMs = Math.max(1, endAt - now)
      const waits: Promise<unknown>[] = [sleep(timeoutMs, stop.signal)]
      waits.push(listener ? listener.wait({ signal: stop.signal, timeoutMs }) : sleep(RESCAN_MS, stop.signal))
      for (const s of page.streams) {
        if (!s.closed) waits.push(store.waitForChange(s.id, s.sizeBytes, { signal: stop.signal, timeoutMs }))
      }
      const expiries = page.streams.flatMap((s) => (s.expiresAt === null ? [] : [Date.parse(s.expiresAt)]))
      if (expiries.length > 0) waits.push(sleep(Math.min(timeoutMs, Math.max(0, Math.min(...expiries) - now) + 1), stop.signal))
      await first(waits)
    } finally {
      stop.abort()
      signal.removeEventListener('abort', onAbort)
      listener?.dispose()
    }
    await sleep(COALESCE_MS, signal).catch(() => {})
  }
}
