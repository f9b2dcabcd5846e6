'use client'

import { useEffect, useState } from 'react'

interface InstanceInfo {
  pid: number
  store: 'embedded' | 'redis'
}

/**
 * Which server instance answered this page's health check, and where it keeps state. With
 * several instances behind a load balancer, a reload may land on another one: this shows it.
 */
export function InstanceBadge() {
  const [info, setInfo] = useState<InstanceInfo>()
  useEffect(() => {
    const controller = new AbortController()
    fetch('/api/health', { signal: controller.signal, cache: 'no-store' })
      .then((res) => (res.ok ? (res.json() as Promise<InstanceInfo>) : undefined))
      .then(setInfo)
      .catch(() => {})
    return () => controller.abort()
  }, [])
  if (!info) return null
  return (
    <span
      className="ml-auto font-mono text-xs text-zinc-500"
      data-testid="instance-badge"
      data-pid={info.pid}
      title={info.store === 'redis' ? 'State is shared through Redis: any instance serves any page' : 'State is on this machine (embedded store)'}
    >
      instance {info.pid} · {info.store === 'redis' ? 'Redis' : 'embedded'}
    </span>
  )
}
