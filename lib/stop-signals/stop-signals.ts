import { abortError } from '@/lib/async'

/** A running task's side of the registry. */
export interface StopRegistration {
  /** Aborted when someone asks the task to stop (the reason is an `AbortError` with their message). Pass it on. */
  readonly signal: AbortSignal
  /** Removes the registration once the task has ended (idempotent; resolves once it is removed, never rejects). */
  release(): Promise<void>
}

/**
 * How any request asks a running task to stop, by its key, whichever instance runs it: a chat
 * generation (key `chat:<chatId>`: a chat runs one generation at a time, and registering is how
 * that is enforced) or a typed stream (`stream:<name>:<streamId>`).
 *
 * The task does not belong to the request that asks it to stop (a chat generation outlives the
 * request that started it; a cancel arrives on a request of its own, maybe on another
 * instance), so "Stop" cannot be a request's abort signal: it goes through this registry.
 * {@link LocalStopSignals} serves one process; `RedisStopSignals` (pub/sub) serves several.
 */
export interface StopSignals {
  /**
   * Registers a running task; `undefined` when one is already registered under `key` (an atomic
   * check-and-set, across instances for the shared implementation).
   */
  register(key: string): Promise<StopRegistration | undefined>
  /** Asks the task `key` to stop; resolves `true` if one was running and has been told. */
  stop(key: string, reason?: string): Promise<boolean>
  /** Whether a task `key` is registered (running). */
  isRunning(key: string): Promise<boolean>
}

export const DEFAULT_STOP_REASON = 'Stopped by the user'

/** {@link StopSignals} for one process: a map of abort controllers. */
export class LocalStopSignals implements StopSignals {
  private readonly running = new Map<string, AbortController>()

  async register(key: string): Promise<StopRegistration | undefined> {
    if (this.running.has(key)) return undefined
    const controller = new AbortController()
    this.running.set(key, controller)
    return {
      signal: controller.signal,
      release: async () => {
        if (this.running.get(key) === controller) this.running.delete(key)
      },
    }
  }

  async stop(key: string, reason = DEFAULT_STOP_REASON): Promise<boolean> {
    const controller = this.running.get(key)
    if (!controller || controller.signal.aborted) return false
    controller.abort(abortError(reason))
    return true
  }

  async isRunning(key: string): Promise<boolean> {
    return this.running.has(key)
  }
}
