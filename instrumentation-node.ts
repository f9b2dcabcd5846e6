import { warnAboutOpenAccess } from '@/lib/access'
import { config } from '@/lib/config'
import { diskReserve } from '@/lib/disk-reserve'
import { openStreamStoreAtStart } from '@/lib/durable'

/**
 * The start-up work of `instrumentation.ts`, in the Node.js runtime only (imported there behind
 * `NEXT_RUNTIME === 'nodejs'`, so the Edge build of the hook does not compile the server's modules).
 */
export async function start() {
  const c = config() // throws, naming each invalid variable
  warnAboutOpenAccess()
  // Open the durable stream store now: crash recovery, unfinished compression and the expiry
  // sweeper start with the server, and a data directory that cannot be used fails it at once
  // (an unreachable Redis does not: stream requests answer 503 until it is back).
  await openStreamStoreAtStart()
  // Room for deletes on a full disk (lib/disk-reserve.ts); best effort.
  if (c.store.kind === 'embedded') await diskReserve().hold()
}
