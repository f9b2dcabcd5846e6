import { expiryInstant, type Expiry, type StreamMeta } from '@/lib/durable/store'
import type { ScriptReply } from '@/lib/redis'

/**
 * A stream's metadata hash (`…:meta`) and its translation to {@link StreamMeta}. Fields:
 * `inc`, `type`, `ns`, `metadata` (JSON), `created`, `accessed` (ms), `tail`, `closed`,
 * `closedById`/`closedByEpoch`/`closedBySeq`, `seq` (last writer sequence), `ttl` (s) or `at`
 * (ms), `compress`, `compressed`, `stored`, `forkSource`/`forkPosition`/`forkAnchor`/`forkSub`,
 * `forks` (how many forks pin it), `deleted` (a tombstone kept for its forks).
 */
export type MetaHash = Readonly<Record<string, string>>

/** The hash from a script's flat `HGETALL` array. */
export function hashFromReply(reply: ScriptReply | string | number | undefined): MetaHash {
  const flat = Array.isArray(reply) ? reply : []
  const hash: Record<string, string> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) hash[String(flat[i])] = String(flat[i + 1])
  return hash
}

function int(value: string | undefined): number {
  return value === undefined ? 0 : Number(value)
}

export function expiryOf(hash: MetaHash): Expiry {
  if (hash.ttl !== undefined) return { kind: 'ttl', seconds: int(hash.ttl) }
  if (hash.at !== undefined) return { kind: 'at', at: int(hash.at) }
  return { kind: 'none' }
}

/** The `ttl` and `at` script arguments for an expiry (`''` when absent). */
export function expiryArgs(expiry: Expiry): [ttl: string, at: string] {
  if (expiry.kind === 'ttl') return [String(expiry.seconds), '']
  if (expiry.kind === 'at') return ['', String(expiry.at)]
  return ['', '']
}

export function metaFromHash(path: string, hash: MetaHash): StreamMeta {
  const expiry = expiryOf(hash)
  return {
    path,
    incarnation: hash.inc ?? '',
    contentType: hash.type ?? 'application/octet-stream',
    namespace: hash.ns ?? '',
    metadata: JSON.parse(hash.metadata ?? '{}') as Record<string, string>,
    createdAt: int(hash.created),
    tail: int(hash.tail),
    closed: hash.closed === '1',
    closedBy:
      hash.closedById === undefined ? undefined : { id: hash.closedById, epoch: int(hash.closedByEpoch), seq: int(hash.closedBySeq) },
    expiry,
    expiresAt: expiryInstant(expiry, int(hash.accessed)),
    compress: hash.compress === '1',
    compressed: hash.compressed === '1',
    storedBytes: int(hash.stored),
    fork:
      hash.forkSource === undefined
        ? undefined
        : { source: hash.forkSource, position: int(hash.forkPosition), anchor: int(hash.forkAnchor), subOffset: int(hash.forkSub) },
  }
}

/** Is a stream with these fields expired at `now`? (Fields as `HMGET ttl at accessed` answers them.) */
export function expiredAt(
  ttl: string | null | undefined,
  at: string | null | undefined,
  accessed: string | null | undefined,
  now: number,
): boolean {
  const instant = ttl != null ? int(accessed ?? undefined) + int(ttl) * 1000 : at != null ? int(at) : undefined
  return instant !== undefined && instant <= now
}
