import { expiryArgs } from '@/lib/durable/redis/meta'
import { namespaceOf, type AppendInput, type AppendOutcome, type CreateSpec } from '@/lib/durable/store'
import type { ScriptReply } from '@/lib/redis'

/** Script arguments from the store's inputs, and the store's outcomes from script replies (`lua.ts`). */

/** A `Buffer` view of bytes, as node-redis sends them. */
export function asBuffer(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
}

/** The `CREATE` script's arguments. */
export function createArgs(path: string, spec: CreateSpec, incarnation: string, now: number): Array<string | Buffer> {
  const [ttl, at] = expiryArgs(spec.expiry)
  const fork = spec.fork
  return [
    String(now),
    incarnation,
    spec.contentType,
    namespaceOf(path),
    JSON.stringify(spec.metadata ?? {}),
    ttl,
    at,
    spec.compress === true ? '1' : '0',
    spec.closed === true ? '1' : '0',
    spec.initial ? asBuffer(spec.initial) : '',
    fork?.source ?? '',
    fork ? String(fork.position) : '',
    fork ? String(fork.anchor) : '',
    fork ? String(fork.subOffset) : '',
  ]
}

/** The `APPEND` script's arguments. */
export function appendArgs(input: AppendInput, now: number): Array<string | Buffer> {
  const claim = input.producer
  return [
    String(now),
    asBuffer(input.data),
    input.close === true ? '1' : '0',
    input.incarnation ?? '',
    claim?.id ?? '',
    String(claim?.epoch ?? 0),
    String(claim?.seq ?? 0),
    input.streamSeq === undefined ? '0' : '1',
    input.streamSeq ?? '',
  ]
}

/** An append's outcome from the `APPEND` reply; `expired` means "expire the stream, then answer". */
export function appendOutcome(reply: ScriptReply): AppendOutcome | { kind: 'expired' } {
  const n = (i: number) => Number(reply[i])
  const kind = String(reply[0])
  switch (kind) {
    case 'ok':
      return {
        kind: 'ok',
        tail: n(1),
        closed: n(2) === 1,
        duplicate: n(3) === 1,
        producer: n(4) < 0 ? undefined : { epoch: n(4), seq: n(5) },
      }
    case 'closed':
      return { kind: 'closed', tail: n(1) }
    case 'stale-epoch':
      return { kind: 'stale-epoch', epoch: n(1) }
    case 'bad-epoch-start':
      return { kind: 'bad-epoch-start' }
    case 'seq-gap':
      return { kind: 'seq-gap', expected: n(1), received: n(2) }
    case 'stream-seq-regression':
      return { kind: 'stream-seq-regression', last: String(reply[1]) }
    case 'missing':
    case 'gone':
    case 'expired':
      return { kind }
    default:
      throw new Error(`Unexpected reply from the append script: ${kind}`)
  }
}

/** Did an `ok` append close a `compress` stream (so compression should start)? */
export function startsCompression(reply: ScriptReply): boolean {
  return reply[0] === 'ok' && Number(reply[6]) === 1
}

/** What the `REMOVE` script did. */
export interface Removal {
  /** What to report: `deleted`, `soft-deleted`, `missing`, `gone`, `live` (not expired), `replaced`. */
  outcome: string
  /** What was removed, if anything. */
  removed: 'deleted' | 'soft-deleted' | undefined
  createdAt: number
  namespace: string
  forkSource: string
  /** For `live`: when the stream now expires, if it does. */
  expiresAt: number | undefined
}

export function removal(reply: ScriptReply): Removal {
  const outcome = String(reply[0])
  const live = outcome === 'live'
  const removed = live ? undefined : reply[1] === 'deleted' || reply[1] === 'soft-deleted' ? reply[1] : undefined
  return {
    outcome,
    removed,
    createdAt: Number(reply[2] ?? 0),
    namespace: String(reply[3] ?? ''),
    forkSource: String(reply[4] ?? ''),
    expiresAt: live && reply[1] !== '' && reply[1] !== undefined ? Number(reply[1]) : undefined,
  }
}
