'use client'

import { useRef } from 'react'
import type { MetadataRow } from '@/components/durable/create-request'
import { Button } from '@/components/ui/button'
import { FieldError, Input } from '@/components/ui/field'
import { METADATA_KEY_MAX, METADATA_MAX_KEYS, METADATA_VALUE_MAX } from '@/lib/durable/client'

/** The metadata of a new stream: key–value rows to add and remove, bounded by the server's limits. */
export function MetadataFieldset({
  uid,
  rows,
  onChange,
  error,
}: {
  uid: string
  rows: MetadataRow[]
  onChange: (rows: MetadataRow[]) => void
  error: string | undefined
}) {
  const nextRow = useRef(0)
  const errorId = `${uid}-metadata-error`
  const hintId = `${uid}-metadata-hint`
  const update = (n: number, change: Partial<MetadataRow>) => onChange(rows.map((r) => (r.n === n ? { ...r, ...change } : r)))
  return (
    <fieldset aria-describedby={error ? `${hintId} ${errorId}` : hintId}>
      <legend className="text-sm font-medium">Metadata</legend>
      <p id={hintId} className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
        Key–value pairs kept with the stream (who made it, what for); the list filters on one exactly. Up to {METADATA_MAX_KEYS} keys of 1–
        {METADATA_KEY_MAX} letters, digits, “.”, “-”, “_”; values up to {METADATA_VALUE_MAX} characters.
      </p>
      <div className="mt-2 space-y-2">
        {rows.map((row, i) => (
          <div key={row.n} className="flex flex-wrap items-center gap-2" data-testid="meta-row">
            <label className="sr-only" htmlFor={`${uid}-k${row.n}`}>
              metadata key {i + 1}
            </label>
            <Input
              id={`${uid}-k${row.n}`}
              className="w-36"
              placeholder="key"
              maxLength={METADATA_KEY_MAX}
              value={row.key}
              onChange={(e) => update(row.n, { key: e.target.value })}
              data-testid="meta-key"
            />
            <label className="sr-only" htmlFor={`${uid}-v${row.n}`}>
              metadata value {i + 1}
            </label>
            <Input
              id={`${uid}-v${row.n}`}
              className="min-w-0 flex-1"
              placeholder="value"
              maxLength={METADATA_VALUE_MAX}
              value={row.value}
              onChange={(e) => update(row.n, { value: e.target.value })}
              data-testid="meta-value"
            />
            <Button
              size="sm"
              onClick={() => onChange(rows.filter((r) => r.n !== row.n))}
              aria-label={`remove metadata ${i + 1}`}
              data-testid="meta-remove"
            >
              Remove
            </Button>
          </div>
        ))}
      </div>
      <Button
        size="sm"
        className="mt-2"
        disabled={rows.length >= METADATA_MAX_KEYS}
        onClick={() => onChange([...rows, { key: '', value: '', n: nextRow.current++ }])}
        data-testid="meta-add"
      >
        Add metadata
      </Button>
      <FieldError id={errorId} message={error} />
    </fieldset>
  )
}
