import { planAppend } from '@/lib/durable/append-rules'
import type { Catalogue } from '@/lib/durable/embedded/catalogue'
import { rowToMeta, type StreamRow } from '@/lib/durable/embedded/database'
import type { DataFiles } from '@/lib/durable/embedded/files'
import {
  namespaceOf,
  type AppendInput,
  type AppendOutcome,
  type CreateOutcome,
  type CreateSpec,
  type ProducerClaim,
} from '@/lib/durable/store'

/*
 * The embedded store's two writes, each one SQLite transaction over the catalogue and the stream's
 * file: the bytes are written at the committed tail inside the transaction, so a crash at any
 * point leaves the whole change or none of it. What happens around them (waiting for the disk
 * with `fsync` durability, waking readers, compression) is `EmbeddedStore`'s.
 */

/**
 * Records a new stream (its file already made, or a fork's prefix already copied): `undefined`
 * when created, else why not (another create won the race, the fork's source changed meanwhile).
 */
export function commitCreate(
  catalogue: Catalogue,
  files: DataFiles,
  {
    streamPath,
    incarnation,
    spec,
    sourceIncarnation,
    now,
  }: {
    streamPath: string
    incarnation: string
    spec: CreateSpec
    /** The fork source's incarnation when its prefix was copied: the source must still be it. */
    sourceIncarnation: string | undefined
    now: number
  },
): CreateOutcome | undefined {
  return catalogue.transaction((): CreateOutcome | undefined => {
    const raced = catalogue.get(streamPath)
    if (raced) return raced.deleted === 1 ? { kind: 'gone' } : { kind: 'exists', meta: rowToMeta(raced) }
    if (spec.fork) {
      const source = catalogue.get(spec.fork.source)
      if (!source || source.incarnation !== sourceIncarnation) return { kind: 'source-missing' }
      if (source.deleted === 1) return { kind: 'source-gone' }
    }
    let tail = spec.fork?.position ?? 0
    if (spec.initial && spec.initial.byteLength > 0) {
      files.writeSync(incarnation, tail, spec.initial, tail)
      tail += spec.initial.byteLength
    }
    catalogue.insert({
      path: streamPath,
      incarnation,
      contentType: spec.contentType,
      namespace: namespaceOf(streamPath),
      metadata: spec.metadata ?? {},
      now,
      tail,
      closed: spec.closed === true,
      expiry: spec.expiry,
      compress: spec.compress === true,
      fork: spec.fork,
    })
    return undefined
  })
}

export interface CommittedAppend {
  outcome: AppendOutcome
  /** The row as it was before the append, when the append was committed. */
  written?: StreamRow
}

/** Checks an append against the stream's rules (`planAppend`) and commits it: bytes, tail, producer state. */
export function commitAppend(catalogue: Catalogue, files: DataFiles, streamPath: string, input: AppendInput, now: number): CommittedAppend {
  return catalogue.transaction((): CommittedAppend => {
    const row = catalogue.get(streamPath)
    if (!row || (input.incarnation !== undefined && row.incarnation !== input.incarnation)) return { outcome: { kind: 'missing' } }
    if (row.deleted === 1) return { outcome: { kind: 'gone' } }
    const claim = input.producer
    const producer = claim && catalogue.producer(streamPath, claim.id)
    const closedBy = row.closed_by === null ? undefined : (JSON.parse(row.closed_by) as ProducerClaim)
    const plan = planAppend(
      { tail: row.tail, closed: row.closed === 1, closedBy, lastStreamSeq: row.last_stream_seq ?? undefined },
      producer,
      input,
    )
    if (plan.kind === 'answer') return { outcome: plan.outcome }

    if (input.data.byteLength > 0) files.writeSync(row.incarnation, row.tail, input.data, row.tail)
    const tail = row.tail + input.data.byteLength
    catalogue.recordAppend(streamPath, {
      tail,
      closed: plan.close,
      closedBy: plan.close ? claim : undefined,
      streamSeq: plan.streamSeq,
      now,
    })
    if (claim && plan.producer) catalogue.saveProducer(streamPath, claim.id, plan.producer, now)
    const accepted = plan.producer && { epoch: plan.producer.epoch, seq: plan.producer.lastSeq }
    return { outcome: { kind: 'ok', tail, closed: plan.close, duplicate: false, producer: accepted }, written: row }
  })
}
