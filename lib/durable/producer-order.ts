import { singleton } from '@/lib/singleton'
import type { ProducerClaim, StreamStore } from '@/lib/durable/store'

/**
 * Appends of one idempotent producer that overtook each other on the way in.
 *
 * A producer pipelines its batches (the official `IdempotentProducer` keeps up to five in
 * flight, each up to 1 MiB), so batch `n + 1` can reach the server before batch `n`: on another
 * connection, or with a body that arrives faster. The protocol's answer to a gap is a 409 with
 * the expected sequence, after which the client waits for `n` and sends batch `n + 1` again,
 * whole. The server can do better for a small gap: batch `n + 1` waits here, briefly, for the
 * missing batches to arrive ({@link GAP_WAIT_MS}) and for those that arrived to be committed,
 * and is then checked again. A real gap is still answered 409, at most {@link GAP_WAIT_MS} later.
 * An append only ever waits for lower sequences, so no two appends wait for each other.
 */

/** How long an append ahead of its turn waits for a missing sequence to start arriving here. */
export const GAP_WAIT_MS = 50
/** Larger gaps are no reordering of a pipeline: answered at once. */
export const MAX_WAITED_GAP = 32

interface Producer {
  /** Appends in flight (body being read, then committed), by sequence: settled when over. */
  appends: Map<number, Promise<void>>
  /** Called when an append of this producer starts: appends waiting for a missing sequence. */
  arrivals: Set<() => void>
}

/** Per store, per stream path + producer id + epoch. */
const registry = () => singleton('durable.producer-order', () => new WeakMap<StreamStore, Map<string, Producer>>())

function producerOf(store: StreamStore, path: string, claim: ProducerClaim): { producer: Producer; release: () => void } {
  const byStore = registry()
  let streams = byStore.get(store)
  if (!streams) byStore.set(store, (streams = new Map()))
  const key = `${claim.epoch}\u0000${claim.id}\u0000${path}`
  let producer = streams.get(key)
  if (!producer) streams.set(key, (producer = { appends: new Map(), arrivals: new Set() }))
  const own = producer
  return {
    producer,
    release: () => {
      if (own.appends.size === 0 && own.arrivals.size === 0 && streams.get(key) === own) streams.delete(key)
    },
  }
}

/**
 * Records that the append of `claim` to `path` is in flight (its body is being read, then it is
 * committed); the returned function says it is over, however it ended.
 */
export function appendInFlight(store: StreamStore, path: string, claim: ProducerClaim): () => void {
  const { producer, release } = producerOf(store, path, claim)
  let finish!: () => void
  const finished = new Promise<void>((resolve) => (finish = resolve))
  // A retry of a sequence already in flight waits behind it like any later one would.
  const before = producer.appends.get(claim.seq)
  const own = before ? before.then(() => finished) : finished
  producer.appends.set(claim.seq, own)
  for (const arrived of producer.arrivals) arrived()
  return () => {
    finish()
    if (producer.appends.get(claim.seq) === own) producer.appends.delete(claim.seq)
    release()
  }
}

/**
 * For an append refused because sequences `[expected, claim.seq)` are missing: waits until those
 * that are in flight here are over, or, when none is, up to {@link GAP_WAIT_MS} for one to start
 * (and then for it). `true` when it is worth checking the append again.
 */
export async function gapMayClose(store: StreamStore, path: string, claim: ProducerClaim, expected: number): Promise<boolean> {
  if (claim.seq - expected > MAX_WAITED_GAP) return false
  const { producer, release } = producerOf(store, path, claim)
  const missing = () => [...producer.appends].filter(([seq]) => seq >= expected && seq < claim.seq).map(([, done]) => done)
  try {
    let waits = missing()
    if (waits.length === 0) {
      let arrived!: () => void
      const arrival = new Promise<void>((resolve) => (arrived = resolve))
      const check = () => missing().length > 0 && arrived()
      producer.arrivals.add(check)
      const timer = setTimeout(arrived, GAP_WAIT_MS)
      await arrival
      clearTimeout(timer)
      producer.arrivals.delete(check)
      waits = missing()
      if (waits.length === 0) return false // nothing arrived: the gap is real
    }
    await Promise.all(waits)
    return true
  } finally {
    release()
  }
}
