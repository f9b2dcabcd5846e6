/**
 * Runs once when the server starts (Next.js instrumentation hook). A configuration that does not
 * validate, or a data directory that cannot be used, stops the server (exit code 1) with a message
 * naming the problem: Next.js itself would only log an error thrown here and go on answering 500.
 * The work is in `instrumentation-node.ts`, imported only in the Node.js runtime.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    try {
      const { start } = await import('./instrumentation-node')
      await start()
    } catch (error) {
      console.error(`[sluice] cannot start: ${error instanceof Error ? error.message : String(error)}`)
      process.exit(1)
    }
  }
}
