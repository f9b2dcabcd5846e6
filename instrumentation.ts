/**
 * Runs once when the server starts (Next.js instrumentation hook). A configuration that does not
 * validate, or a data directory that cannot be used, stops the server (exit code 1) with a message
 * naming the problem: Next.js itself would only log an error thrown here and go on answering 500.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  try {
    await start()
  } catch (error) {
    console.error(`[sluice] cannot start: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
}

async function start() {
  const { config } = await import('@/lib/config')
  const c = config() // throws, naming each invalid variable
  const { warnAboutOpenAccess } = await import('@/lib/access')
  warnAboutOpenAccess()
  // Open the durable stream store now: crash recovery, unfinished compression and the expiry
  // sweeper start with the server, and a data directory that cannot be used fails it at once
  // (an unreachable Redis does not: stream requests answer 503 until it is back).
  const { openStreamStoreAtStart } = await import('@/lib/durable')
  await openStreamStoreAtStart()
  if (c.store.kind === 'embedded') {
    // Room for deletes on a full disk (lib/disk-reserve.ts); best effort.
    const { diskReserve } = await import('@/lib/disk-reserve')
    await diskReserve().hold()
  }
}
