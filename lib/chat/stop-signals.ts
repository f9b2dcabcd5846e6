import { abortError } from '@/lib/async'
import { singleton } from '@/lib/singleton'

/** A running generation's side of the registry. */
export interface StopRegistration {
  /** Aborted when someone asks the generation to stop. Pass it to the model call and the tools. */
  readonly signal: AbortSignal
  /** Removes the registration once the generation has ended (idempotent). */
  release(): void
}

/**
 * How any route asks a running generation to stop, by its key (Sluice uses the chat id: a chat
 * runs one generation at a time, and registering is how that is enforced).
 *
 * The generation does not belong to the request that started it (a reload must not stop it),
 * so "Stop" cannot be the request's abort signal: it goes through this registry instead. The
 * in-process implementation suits one server; a shared one (e.g. Redis pub/sub) can implement
 * the same interface so a stop reaches the instance that runs the generation.
 */
export interface StopSignals {
  /** Registers a running generation; `undefined` when one is already registered under `id` (atomic check-and-set). */
  register(id: string): StopRegistration | undefined
  /** Stops the generation `id`; resolves `true` if one was running and is now told to stop. */
  stop(id: string, reason?: string): Promise<boolean>
  /** Whether a generation `id` is registered (running). */
  isRunning(id: string): Promise<boolean>
}

/** {@link StopSignals} for one process: a map of abort controllers. */
export class LocalStopSignals implements StopSignals {
  private readonly running = new Map<string, AbortController>()

  register(id: string): StopRegistration | undefined {
    if (this.running.has(id)) return undefined
    const controller = new AbortController()
    this.running.set(id, controller)
    return {
      signal: controller.signal,
      release: () => {
        if (this.running.get(id) === controller) this.running.delete(id)
      },
    }
  }

  async stop(id: string, reason = 'Stopped by the user'): Promise<boolean> {
    const controller = this.running.get(id)
    if (!controller || controller.signal.aborted) return false
    controller.abort(abortError(reason))
    return true
  }

  async isRunning(id: string): Promise<boolean> {
    return this.running.has(id)
  }
}

/** The process-wide stop registry, shared by every route. */
export function stopSignals(): StopSignals {
  return singleton<StopSignals>('chat.stop-signals', () => new LocalStopSignals())
}
