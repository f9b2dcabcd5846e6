/**
 * Polls `check` until it holds, every `everyMs`; after `ms` it fails with an error naming `what`
 * was awaited (instead of the test runner's bare timeout). For conditions that no event signals:
 * a stored record, a file removed by a sweeper, a subscriber showing up in Redis.
 *
 * @example await waitFor('the sweeper to remove the part file', async () => !(await readdir(dir)).includes(name))
 */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 10_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/**
 * Resolves as `promise` does, or rejects after `ms` with an error naming `what` was awaited; for
 * one awaited event (a read, a message) that may never come.
 */
export async function within<T>(what: string, promise: Promise<T>, ms = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
