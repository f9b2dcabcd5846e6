'use client'

import { useSyncExternalStore } from 'react'

const noSubscribe = () => () => {}

/**
 * False on the server and during hydration, true once React owns the page. Forms render their
 * controls disabled until then, so what someone types before hydration is not lost or mixed with
 * the server-rendered value (and Playwright's `fill` waits for it, as a person would).
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscribe,
    () => true,
    () => false,
  )
}
