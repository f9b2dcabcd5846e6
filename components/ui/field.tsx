'use client'

import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react'

/** The attributes that tie a control to its label, hint and error. */
export interface ControlProps {
  id: string
  'aria-invalid': boolean | undefined
  'aria-describedby': string | undefined
}

/** The look of text inputs, selects and text areas. */
export const controlClass = 'rounded border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900'

/**
 * A form field: its label, the control (`children` gets the `id` and `aria-*` to put on it), a
 * hint, and the error that concerns this field — from the page's own check, or from the server's
 * refusal (`ApiError.field(name)`) — in red, announced, and named by `aria-describedby`.
 */
export function Field({
  label,
  hint,
  error,
  className = '',
  errorTestId,
  children,
}: {
  label: ReactNode
  hint?: ReactNode
  error?: string | undefined
  className?: string
  errorTestId?: string
  children: (control: ControlProps) => ReactNode
}) {
  const id = useId()
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const described = [hint ? hintId : undefined, error ? errorId : undefined].filter(Boolean).join(' ') || undefined
  return (
    <div className={`text-sm ${className}`}>
      <label htmlFor={id} className="block text-xs font-medium text-zinc-700 dark:text-zinc-300">
        {label}
      </label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described })}
      {hint && (
        <p id={hintId} className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
          {hint}
        </p>
      )}
      <FieldError id={errorId} message={error} testId={errorTestId} />
    </div>
  )
}

/**
 * A whole-number field bounded as the server's schema bounds it (`limits`: `fieldLimits()` of the
 * route's schema, so the browser's `min`/`max` cannot drift from the server's): a {@link Field}
 * around a numeric {@link Input}.
 */
export function NumberField({
  label,
  limits,
  value,
  onChange,
  hint,
  error,
  errorTestId,
  testId,
  className = 'w-24',
}: {
  label: ReactNode
  limits: { min?: number; max?: number }
  value: string
  onChange: (value: string) => void
  hint?: ReactNode
  error?: string | undefined
  errorTestId?: string
  testId?: string
  /** The input's width (Tailwind classes). */
  className?: string
}) {
  return (
    <Field label={label} hint={hint} error={error} errorTestId={errorTestId}>
      {(control) => (
        <Input
          {...control}
          className={`block ${className}`}
          type="number"
          inputMode="numeric"
          min={limits.min}
          max={limits.max}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          data-testid={testId}
        />
      )}
    </Field>
  )
}

/** The error under a control (or a group of them): nothing when there is none. */
export function FieldError({ id, message, testId }: { id?: string; message: string | undefined; testId?: string }) {
  if (!message) return null
  return (
    <p id={id} className="mt-1 text-xs text-red-700 dark:text-red-300" role="alert" data-testid={testId}>
      {message}
    </p>
  )
}

export function Input({ className = '', ...props }: InputHTMLAttributes<HTMLInputElement>) {
  return <input className={`${controlClass} ${className}`} {...props} />
}

export function Select({ className = '', ...props }: SelectHTMLAttributes<HTMLSelectElement>) {
  return <select className={`${controlClass} ${className}`} {...props} />
}

export function TextArea({ className = '', ...props }: TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <textarea className={`${controlClass} ${className}`} {...props} />
}
