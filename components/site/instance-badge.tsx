'use client'

import { useEffect, useState } from 'react'
import { apiJson } from '@/components/api/fetch'

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
    // No badge when the health check fails: it only explains the server that answered.
    apiJson<InstanceInfo>('/api/health', { signal: controller.signal, cache: 'no-store' }).then(setInfo, () => {})
    return () => controller.abort()
  }, [])
  if (!info) return null
  const explained =
    info.store === 'redis'
      ? `This page was served by the server process ${info.pid}. State is shared through Redis, so any instance can serve any page: a reload may land on another one.`
      : `This page was served by the server process ${info.pid}. State is kept on this machine (the embedded SQLite and file store).`
  return (
    <span
      className="ml-auto shrink-0 cursor-help font-mono text-xs text-zinc-600 dark:text-zinc-400"
      data-testid="instance-badge"
      data-pid={info.pid}
      title={explained}
    >
      <span aria-hidden="true">
        pid {info.pid} · {info.store === 'redis' ? 'Redis' : 'embedded'}
      </span>
      <span className="sr-only">{explained}</span>
    </span>
  )
}
