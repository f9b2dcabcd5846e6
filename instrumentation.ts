/** Runs once when the server starts (Next.js instrumentation hook). */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  const { warnAboutOpenAccess } = await import('@/lib/access/warnings')
  warnAboutOpenAccess()
  // Open the durable stream store now: crash recovery, unfinished compression and the expiry
  // sweeper start with the server, and a data directory that cannot be used fails it at once
  // (an unreachable Redis does not: stream requests answer 503 until it is back).
  const { openStreamStoreAtStart } = await import('@/lib/durable/instance')
  await openStreamStoreAtStart()
}
