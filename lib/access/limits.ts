import { config } from '@/lib/config'
import { AppError } from '@/lib/errors'
import { singleton } from '@/lib/singleton'

/**
 * Caps on work that runs on after a request or for long: chat answers, imports, background
 * exports and demo producers, calls through the model proxy. Each kind has at most
 * `SLUICE_RUNNING_PER_INSTANCE` running on this instance and `SLUICE_RUNNING_PER_VISITOR` per
 * visitor; one more is a 429 with `Retry-After`, before anything is created.
 */
export type RunningKind = 'chat' | 'typed' | 'export' | 'demo' | 'proxy'

const RETRY_AFTER_SECONDS = 5

const nouns: Record<RunningKind, string> = {
  chat: 'model answers (chat and /api/typed/answer)',
  typed: 'typed streams',
  export: 'background exports',
  demo: 'demo producers',
  proxy: 'proxied model calls',
}

interface Counts {
  total: Map<RunningKind, number>
  byVisitor: Map<string, number>
}

const counts = () => singleton<Counts>('access.running', () => ({ total: new Map(), byVisitor: new Map() }))

/** Reserves a slot of `kind` for `visitor`, or refuses with 429. Returns the release (idempotent). */
export function reserveSlot(kind: RunningKind, visitor: string | undefined): () => void {
  const c = config()
  const { total, byVisitor } = counts()
  const visitorKey = `${kind}:${visitor ?? '-'}`
  const all = total.get(kind) ?? 0
  const mine = byVisitor.get(visitorKey) ?? 0
  const refuse = (who: string, limit: number) =>
    new AppError(`rate_limited:${kind}`, `${limit} ${nouns[kind]} are already running ${who}; try again when one ends`, {
      headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
    })
  if (all >= c.SLUICE_RUNNING_PER_INSTANCE) throw refuse('on this server', c.SLUICE_RUNNING_PER_INSTANCE)
  if (visitor !== undefined && mine >= c.SLUICE_RUNNING_PER_VISITOR) throw refuse('for you', c.SLUICE_RUNNING_PER_VISITOR)
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
