import { describe, expect, test } from 'vitest'
import { ChangeNotifier } from '@/lib/notifier'

describe('ChangeNotifier', () => {
  test('a change between subscribing and waiting is not missed', async () => {
    const notifier = new ChangeNotifier()
    const subscription = notifier.subscribe('a')
    notifier.notify('a')
    expect(subscription.changed).toBe(true)
    await expect(subscription.wait({ timeoutMs: 10_000 })).resolves.toBe('changed')
    subscription.dispose()
  })

  test('a wait ends with the change, the timeout or the signal, whichever comes first', async () => {
    const notifier = new ChangeNotifier()
    const changed = notifier.subscribe('a')
    const waiting = changed.wait({ timeoutMs: 10_000 })
    notifier.notify('b') // another key
    notifier.notify('a')
    await expect(waiting).resolves.toBe('changed')

    const quiet = notifier.subscribe('c')
    await expect(quiet.wait({ timeoutMs: 5 })).resolves.toBe('timeout')
    expect(quiet.changed).toBe(false)

    const stop = new AbortController()
    const aborted = notifier.subscribe('d')
    const pending = aborted.wait({ timeoutMs: 10_000, signal: stop.signal })
    stop.abort()
    await expect(pending).resolves.toBe('aborted')
    await expect(aborted.wait({ timeoutMs: 10_000, signal: stop.signal })).resolves.toBe('aborted')
    for (const s of [changed, quiet, aborted]) s.dispose()
    expect(notifier.subscribers()).toBe(0)
  })

  test('concurrent waits on one subscription each end on their own terms', async () => {
    const notifier = new ChangeNotifier()
    const subscription = notifier.subscribe('a')
    const stop = new AbortController()
    const short = subscription.wait({ timeoutMs: 5, signal: stop.signal })
    const first = subscription.wait({ timeoutMs: 10_000, signal: stop.signal })
    const second = subscription.wait({ timeoutMs: 10_000, signal: stop.signal })
    const other = new AbortController()
    const third = subscription.wait({ timeoutMs: 10_000, signal: other.signal })
    await expect(short).resolves.toBe('timeout') // its signal still serves the two other waits
    stop.abort() // both waits on that signal end, the third does not
    await expect(first).resolves.toBe('aborted')
    await expect(second).resolves.toBe('aborted')
    let thirdDone = false
    void third.then(() => (thirdDone = true))
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(thirdDone).toBe(false)
    notifier.notify('a')
    await expect(third).resolves.toBe('changed')
    subscription.dispose()
  })

  test('one notification ends every wait in progress on a subscription', async () => {
    const notifier = new ChangeNotifier()
    const subscription = notifier.subscribe('a')
    const waits = [subscription.wait({ timeoutMs: 10_000 }), subscription.wait({ timeoutMs: 10_000 })]
    notifier.notify('a')
    await expect(Promise.all(waits)).resolves.toEqual(['changed', 'changed'])
    subscription.dispose()
  })

  test('one notification wakes every subscriber of the key; disposed ones are forgotten', async () => {
    const notifier = new ChangeNotifier()
    const subscriptions = Array.from({ length: 3 }, () => notifier.subscribe('a'))
    expect(notifier.subscribers('a')).toBe(3)
    const waits = subscriptions.map((s) => s.wait({ timeoutMs: 10_000 }))
    notifier.notify('a')
    await expect(Promise.all(waits)).resolves.toEqual(['changed', 'changed', 'changed'])
    subscriptions[0]!.dispose()
    subscriptions[0]!.dispose() // twice is harmless
    expect(notifier.subscribers('a')).toBe(2)
    for (const s of subscriptions) s.dispose()
    expect(notifier.subscribers()).toBe(0)
  })
})
