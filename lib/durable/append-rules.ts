import type { AppendInput, AppendOutcome, ProducerClaim } from '@/lib/durable/store'

/**
 * The decisions an append makes before anything is written: closed streams, idempotent
 * producers (PROTOCOL.md §5.2.1) and writer sequences (`Stream-Seq`). Pure functions, so that
 * every store implementation applies exactly the same rules inside its own atomic step.
 */

/** What a stream remembers about one producer. */
export interface ProducerState {
  epoch: number
  lastSeq: number
}

/** The parts of a stream's state the rules look at. */
export interface AppendState {
  tail: number
  closed: boolean
  closedBy: ProducerClaim | undefined
  lastStreamSeq: string | undefined
}

export type AppendPlan =
  /** Write `input.data` (possibly empty), then save the new producer state and sequence. */
  | { kind: 'write'; producer: ProducerState | undefined; streamSeq: string | undefined; close: boolean }
  /** Nothing to write: the answer is already known (a refusal, or a recognised retry). */
  | { kind: 'answer'; outcome: AppendOutcome }

type ProducerDecision =
  { kind: 'accept'; next: ProducerState } | { kind: 'duplicate'; state: ProducerState } | { kind: 'refuse'; outcome: AppendOutcome }

/** Epoch fencing and sequence checks for one producer claim. */
export function decideProducer(state: ProducerState | undefined, claim: ProducerClaim): ProducerDecision {
  if (!state) {
    if (claim.seq !== 0) return { kind: 'refuse', outcome: { kind: 'seq-gap', expected: 0, received: claim.seq } }
    return { kind: 'accept', next: { epoch: claim.epoch, lastSeq: 0 } }
  }
  if (claim.epoch < state.epoch) return { kind: 'refuse', outcome: { kind: 'stale-epoch', epoch: state.epoch } }
  if (claim.epoch > state.epoch) {
    if (claim.seq !== 0) return { kind: 'refuse', outcome: { kind: 'bad-epoch-start' } }
    return { kind: 'accept', next: { epoch: claim.epoch, lastSeq: 0 } }
  }
  if (claim.seq <= state.lastSeq) return { kind: 'duplicate', state }
  if (claim.seq === state.lastSeq + 1) return { kind: 'accept', next: { epoch: state.epoch, lastSeq: claim.seq } }
  return { kind: 'refuse', outcome: { kind: 'seq-gap', expected: state.lastSeq + 1, received: claim.seq } }
}

function sameClaim(a: ProducerClaim | undefined, b: ProducerClaim): boolean {
  return a !== undefined && a.id === b.id && a.epoch === b.epoch && a.seq === b.seq
}

/**
 * Decides what an append does. Order matters and follows the protocol: a closed stream first
 * (only a retry of the closing request, or a plain close, succeeds), then producer
 * de-duplication, then the writer sequence — so a producer retry is recognised even when its
 * `Stream-Seq` would now conflict.
 */
export function planAppend(state: AppendState, producer: ProducerState | undefined, input: AppendInput): AppendPlan {
  const claim = input.producer
  if (state.closed) {
    if (claim && sameClaim(state.closedBy, claim)) {
      return {
        kind: 'answer',
        outcome: {
          kind: 'ok',
          tail: state.tail,
          closed: true,
          duplicate: true,
          producer: { epoch: claim.epoch, seq: producer?.lastSeq ?? claim.seq },
        },
      }
    }
    if (!claim && input.close && input.data.byteLength === 0) {
      return { kind: 'answer', outcome: { kind: 'ok', tail: state.tail, closed: true, duplicate: false, producer: undefined } }
    }
    return { kind: 'answer', outcome: { kind: 'closed', tail: state.tail } }
  }

  let next: ProducerState | undefined
  if (claim) {
    const decision = decideProducer(producer, claim)
    if (decision.kind === 'refuse') return { kind: 'answer', outcome: decision.outcome }
    if (decision.kind === 'duplicate') {
      return {
        kind: 'answer',
        outcome: {
          kind: 'ok',
          tail: state.tail,
          closed: false,
          duplicate: true,
          producer: { epoch: decision.state.epoch, seq: decision.state.lastSeq },
        },
      }
    }
    next = decision.next
  }

  if (input.streamSeq !== undefined && state.lastStreamSeq !== undefined && input.streamSeq <= state.lastStreamSeq) {
    return { kind: 'answer', outcome: { kind: 'stream-seq-regression', last: state.lastStreamSeq } }
  }
  return { kind: 'write', producer: next, streamSeq: input.streamSeq ?? state.lastStreamSeq, close: input.close === true }
}
