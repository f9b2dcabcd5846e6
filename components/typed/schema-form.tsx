'use client'

import { fieldSummary, WHOLE_INPUT, type Field, type FormValues } from '@/components/typed/form-fields'
import type { ChangeEvent } from 'react'
import { FieldError, Input, Select, TextArea } from '@/components/ui/field'

/**
 * The controls of a form generated from an input schema (`formFields`): a select for an enum, a
 * number input with its bounds, a checkbox, a text input or area, and a JSON text area for the
 * rest. Each control is labelled with the field's name and its description; the line under it
 * says the type and constraints.
 */
export function SchemaFields({
  fields,
  values,
  onChange,
  idPrefix,
  disabled,
  errors = {},
}: {
  fields: Field[]
  values: FormValues
  onChange: (name: string, value: string | boolean) => void
  idPrefix: string
  disabled?: boolean
  /** The server's refusal, field by field (by field name; `''` for the whole input), in words. */
  errors?: Record<string, string>
}) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      {fields.map((f) => {
        const id = `${idPrefix}-${f.name || 'input'}`
        const testId = `${idPrefix}-field-${f.name || 'input'}`
        const error = errors[f.name]
        const help = error ? `${id}-help ${id}-error` : `${id}-help`
        const value = values[f.name]
        const text = typeof value === 'string' ? value : ''
        const label = f.name === WHOLE_INPUT ? 'Input (JSON)' : f.name
        const wide = f.kind === 'json' || (f.kind === 'string' && f.multiline)
        // What every control of a field carries: its id, its help and error, its test id.
        const shared = { id, disabled, 'aria-describedby': help, 'aria-invalid': error ? true : undefined, 'data-testid': testId }
        const onText = (e: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => onChange(f.name, e.target.value)
        return (
          <div key={f.name} className={`min-w-0 space-y-1 text-sm ${wide ? 'sm:col-span-2' : ''}`}>
            {f.kind === 'boolean' ? (
              <label htmlFor={id} className="flex items-center gap-2 font-medium">
                <input {...shared} type="checkbox" checked={value === true} onChange={(e) => onChange(f.name, e.target.checked)} />
                {label}
              </label>
            ) : (
              <label htmlFor={id} className="block font-medium">
                {label}
                {f.required && <span className="text-red-700 dark:text-red-400"> *</span>}
              </label>
            )}
            {f.kind === 'enum' && (
              <Select {...shared} className="w-full" value={text} onChange={onText}>
                {!f.required && f.default === undefined && <option value="">(leave out)</option>}
                {f.options.map((option) => (
                  <option key={option} value={option}>
                    {option}
                  </option>
                ))}
              </Select>
            )}
            {f.kind === 'number' && (
              <Input
                {...shared}
                className="w-full"
                type="number"
                inputMode={f.integer ? 'numeric' : 'decimal'}
                step={f.integer ? 1 : 'any'}
                min={f.minimum}
                max={f.maximum}
                value={text}
                placeholder={f.default === undefined ? '' : `default ${f.default}`}
                onChange={onText}
              />
            )}
            {f.kind === 'string' &&
              (f.multiline ? (
                <TextArea {...shared} className="w-full" rows={3} maxLength={f.maxLength} value={text} onChange={onText} />
              ) : (
                <Input {...shared} className="w-full" type="text" maxLength={f.maxLength} value={text} onChange={onText} />
              ))}
            {f.kind === 'json' && (
              <TextArea {...shared} className="w-full font-mono text-xs" rows={4} spellCheck={false} value={text} onChange={onText} />
            )}
            <p id={`${id}-help`} className="text-xs text-zinc-600 dark:text-zinc-400">
              {f.description ? `${f.description} — ` : ''}
              {fieldSummary(f)}
            </p>
            <FieldError id={`${id}-error`} message={error} testId={`${testId}-error`} />
          </div>
        )
      })}
    </div>
  )
}
