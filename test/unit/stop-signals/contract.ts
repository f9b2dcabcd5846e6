import { describe, expect, it } from 'vitest'
import type { StopSignals } from '@/lib/stop-signals/stop-signals'

/** Resolves once `signal` aborts (the stop travels through Redis pub/sub, so it is not synchronous). */
const aborted = (signal: AbortSignal) =>
  new Promise<unknown>((resolve) => {
    if (signal.aborted) resolve(signal.reason)
    else signal.addEventListener('abort', () => resolve(signal.reason), { once: true })
  })

/** What every StopSignals must do; `two()` gives two registries that share state (two instances). */
export function stopSignalsContract(name: string, two: () => Promise<[StopSignals, StopSignals]>) {
  describe(`StopSignals contract: ${name}`, () => {
    it('registers one task per key, stops it once with the reason, and forgets it on release', async () => {
      const [a] = await two()
      const key = `t-${crypto.randomUUID()}`
      const reg = (await a.register(key))!
      expect(reg).toBeDefined()
      expect(await a.register(key)).toBeUndefined()
      expect(await a.isRunning(key)).toBe(true)
      expect(await a.stop(key, 'because')).toBe(true)
      expect(await aborted(reg.signal)).toMatchObject({ name: 'AbortError', message: 'because' })
      expect(await a.stop(key)).toBe(false) // already stopping
      reg.release()
      reg.release()
      await expect.poll(() => a.isRunning(key)).toBe(false)
      const again = await a.register(key)
      expect(again).toBeDefined()
      expect(again!.signal.aborted).toBe(false)
      again!.release()
      expect(await a.stop(`unknown-${crypto.randomUUID()}`)).toBe(false)
    })

    it('a stop sent through one registry reaches the task registered on the other', async () => {
      const [a, b] = await two()
      const key = `t-${crypto.randomUUID()}`
      const reg = (await a.register(key))!
      expect(await b.isRunning(key)).toBe(true)
      expect(await b.register(key)).toBeUndefined()
      expect(await b.stop(key)).toBe(true)
      expect(await aborted(reg.signal)).toMatchObject({ name: 'AbortError', message: 'Stopped by the user' })
      reg.release()
      await expect.poll(() => b.isRunning(key)).toBe(false)
    })

    it('lets exactly one of many concurrent registrations win', async () => {
      const [a, b] = await two()
      const key = `t-${crypto.randomUUID()}`
      const regs = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).register(key)))
      expect(regs.filter(Boolean)).toHaveLength(1)
      regs.find(Boolean)!.release()
    })
  })
}
