'use client'

import { localInput, type ExpiryMode } from '@/components/durable/create-request'
import { FieldError, Input } from '@/components/ui/field'
import { MAX_TTL_SECONDS, MIN_TTL_SECONDS } from '@/lib/durable/client'

const MODES = [
  ['default', 'default: 30 days'],
  ['never', 'never'],
  ['ttl', 'after a TTL'],
  ['at', 'at a date and time'],
] as const

/**
 * When a new stream expires: the default (30 days), never, after a TTL, or at a date — the TTL's
 * bounds and the date window come from the server's limits (`lib/durable/create-options.ts`).
 */
export function ExpiryFieldset(props: {
  uid: string
  mode: ExpiryMode
  onMode: (mode: ExpiryMode) => void
  ttl: string
  onTtl: (ttl: string) => void
  expiresAt: string
  onExpiresAt: (at: string) => void
  /** The window a date may be chosen in, fixed when "at a date and time" was chosen. */
  atWindow: { min: number; max: number } | undefined
  error: string | undefined
}) {
  const { uid, mode, error, atWindow } = props
  const errorId = `${uid}-expiry-error`
  const hintId = `${uid}-expiry-hint`
  const described = error ? `${hintId} ${errorId}` : hintId
  return (
    <fieldset aria-describedby={described}>
      <legend className="text-sm font-medium">Expiry</legend>
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm">
        {MODES.map(([value, label]) => (
          <label key={value} className="flex items-center gap-1">
            <input
              type="radio"
              name={`${uid}-expiry`}
              value={value}
              checked={mode === value}
              onChange={() => props.onMode(value)}
              data-testid={`expiry-${value}`}
            />
            {label}
          </label>
        ))}
      </div>
      {mode === 'ttl' && (
        <div className="mt-2">
          <label htmlFor={`${uid}-ttl`} className="block text-sm">
            TTL in seconds
          </label>
          <Input
            id={`${uid}-ttl`}
            type="number"
            inputMode="numeric"
            className="w-40"
            min={MIN_TTL_SECONDS}
            max={MAX_TTL_SECONDS}
            step={1}
            value={props.ttl}
            aria-invalid={!!error}
            aria-describedby={described}
            onChange={(e) => props.onTtl(e.target.value)}
            data-testid="create-ttl"
          />
        </div>
      )}
      {mode === 'at' && (
        <div className="mt-2">
          <label htmlFor={`${uid}-at`} className="block text-sm">
            Expires at (your local time)
          </label>
          <Input
            id={`${uid}-at`}
            type="datetime-local"
            className="w-60"
            min={atWindow && localInput(atWindow.min)}
            max={atWindow && localInput(atWindow.max)}
            value={props.expiresAt}
            aria-invalid={!!error}
            aria-describedby={described}
            onChange={(e) => props.onExpiresAt(e.target.value)}
            data-testid="create-expires-at"
          />
        </div>
      )}
      <p id={hintId} className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
        The durable stream service&apos;s rules: no TTL → 30 days; never → kept until deleted; a TTL is whole seconds from {MIN_TTL_SECONDS}{' '}
        (a minute) to {MAX_TTL_SECONDS.toLocaleString('en')} (90 days); a date must lie in the same window. The expiry is fixed when the
        stream is made — reading or writing does not extend it. At expiry the stream is gone at once: its URL answers 404, writers are
        refused, it leaves this list, and the server reclaims its storage shortly after.
      </p>
      <FieldError id={errorId} message={error} />
    </fieldset>
  )
}
