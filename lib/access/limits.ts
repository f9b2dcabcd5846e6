import { config } from '@/lib/config'
import { AppError } from '@/lib/errors'
import { singleton } from '@/lib/singleton'

/**
 * Caps on work that runs on after a request or for long: chat answers, imports, background
 * exports and demo producers, calls through the model proxy. Each kind has at most
 * `SLUICE_RUNNING_PER_INSTANCE` running on this instance and `SLUICE_RUNNING_PER_VISITOR` per
 * visitor; one more is a 429 with `Retry-After`, before anything is created. Live stream lists
 * (`GET /api/durable?live=sse`, an open connection each, no work) have caps of their own:
 * {@link LIVE_LIST_LIMITS}.
 */
export type RunningKind = 'chat' | 'typed' | 'export' | 'demo' | 'proxy' | 'live-list'

export interface SlotLimits {
  perInstance: number
  perVisitor: number
}

/** Live stream lists open at once: 4 per visitor (a few tabs), 500 per instance. */
export const LIVE_LIST_LIMITS: SlotLimits = { perInstance: 500, perVisitor: 4 }

const RETRY_AFTER_SECONDS = 5

const nouns: Record<RunningKind, string> = {
  chat: 'model answers (chat and /api/typed/answer)',
  typed: 'typed streams',
  export: 'background exports',
  demo: 'demo producers',
  proxy: 'proxied model calls',
  'live-list': 'live stream lists',
}

interface Counts {
  total: Map<RunningKind, number>
  byVisitor: Map<string, number>
}

const counts = () => singleton<Counts>('access.running', () => ({ total: new Map(), byVisitor: new Map() }))

/**
 * Reserves a slot of `kind` for `visitor`, or refuses with 429. Returns the release (idempotent).
 * `limits` default to `SLUICE_RUNNING_PER_INSTANCE` and `SLUICE_RUNNING_PER_VISITOR`.
 */
export function reserveSlot(kind: RunningKind, visitor: string | undefined, limits?: SlotLimits): () => void {
  const c = config()
  const { perInstance, perVisitor } = limits ?? { perInstance: c.SLUICE_RUNNING_PER_INSTANCE, perVisitor: c.SLUICE_RUNNING_PER_VISITOR }
  const { total, byVisitor } = counts()
  const visitorKey = `${kind}:${visitor ?? '-'}`
  const all = total.get(kind) ?? 0
  const mine = byVisitor.get(visitorKey) ?? 0
  const refuse = (who: string, limit: number) =>
    new AppError(
      `rate_limited:${kind}`,
      `${limit} ${nouns[kind]} are already ${kind === 'live-list' ? 'open' : 'running'} ${who}; try again when one ends`,
      {
        headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      },
    )
  if (all >= perInstance) throw refuse('on this server', perInstance)
  if (visitor !== undefined && mine >= perVisitor) throw refuse('for you', perVisitor)
  total.set(kind, all + 1)
  byVisitor.set(visitorKey, mine + 1)
  let released = false
  return () => {
    if (released) return
    released = true
    total.set(kind, (total.get(kind) ?? 1) - 1)
    const left = (byVisitor.get(visitorKey) ?? 1) - 1
    if (left > 0) byVisitor.set(visitorKey, left)
    else byVisitor.delete(visitorKey)
  }
}
