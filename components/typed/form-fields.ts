/**
 * A form from a JSON Schema (an input schema of the typed endpoints catalogue): which control
 * each field gets, its starting value, and the input the values make. Pure functions, no React.
 *
 * Strings, numbers and integers (with `minimum`/`maximum`), booleans and enums get their own
 * controls; any other field is a JSON text area, and an input that is not an object of fields is
 * one JSON text area for the whole input. Nothing is refused here: the server's schema decides,
 * and its 400 names the field.
 */

type Schema = { [key: string]: unknown }

interface FieldBase {
  name: string
  description?: string
  required: boolean
}

export type Field =
  | (FieldBase & { kind: 'enum'; options: string[]; default?: string })
  | (FieldBase & { kind: 'string'; minLength?: number; maxLength?: number; multiline: boolean; default?: string })
  | (FieldBase & { kind: 'number'; integer: boolean; minimum?: number; maximum?: number; default?: number })
  | (FieldBase & { kind: 'boolean'; default?: boolean })
  | (FieldBase & { kind: 'json'; default?: unknown; type?: string })

/** What a form holds: text for every control but checkboxes. */
export type FormValues = Record<string, string | boolean>

/** The name of the one field of an input that is not an object of fields. */
export const WHOLE_INPUT = ''

const isObject = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value)
const num = (value: unknown) => (typeof value === 'number' ? value : undefined)

function field(name: string, schema: Schema, required: boolean): Field {
  const base = { name, required, ...(typeof schema.description === 'string' ? { description: schema.description } : {}) }
  const type = schema.type
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.every((v) => typeof v === 'string')) {
    return { ...base, kind: 'enum', options: schema.enum as string[], default: schema.default as string | undefined }
  }
  if (type === 'string') {
    const maxLength = num(schema.maxLength)
    return {
      ...base,
      kind: 'string',
      minLength: num(schema.minLength),
      maxLength,
      multiline: maxLength === undefined || maxLength > 200,
      default: typeof schema.default === 'string' ? schema.default : undefined,
    }
  }
  if (type === 'number' || type === 'integer') {
    return {
      ...base,
      kind: 'number',
      integer: type === 'integer',
      minimum: num(schema.minimum),
      maximum: num(schema.maximum),
      default: num(schema.default),
    }
  }
  if (type === 'boolean') return { ...base, kind: 'boolean', default: typeof schema.default === 'boolean' ? schema.default : undefined }
  return { ...base, kind: 'json', default: schema.default, ...(typeof type === 'string' ? { type } : {}) }
}

/** The fields of an input schema, in its order. */
export function formFields(schema: Schema): Field[] {
  if (schema.type !== 'object' || !isObject(schema.properties))
    return [{ name: WHOLE_INPUT, kind: 'json', required: true, default: schema.default }]
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : [])
  return Object.entries(schema.properties).map(([name, property]) => field(name, isObject(property) ? property : {}, required.has(name)))
}

/** The form's starting values: each field's default, or empty. */
export function initialValues(fields: Field[]): FormValues {
  return Object.fromEntries(
    fields.map((f) => {
      if (f.kind === 'boolean') return [f.name, f.default ?? false]
      if (f.kind === 'json') return [f.name, f.default === undefined ? (f.name === WHOLE_INPUT ? '{}' : '') : JSON.stringify(f.default)]
      return [f.name, f.default === undefined ? '' : String(f.default)]
    }),
  )
}

/** A value a JSON text area holds that is not JSON. */
export class InvalidJsonField extends Error {
  constructor(readonly field: string) {
    super(field === WHOLE_INPUT ? 'The input is not valid JSON' : `${field}: not valid JSON`)
  }
}

/**
 * The input the values make. An empty optional field is left out (the server then uses its
 * default); a required string is sent even when empty, so the server's message says what is
 * missing. A number that does not parse is sent as typed, for the server to refuse.
 */
export function toInput(fields: Field[], values: FormValues): unknown {
  const input: Record<string, unknown> = {}
  for (const f of fields) {
    const value = values[f.name]
    if (f.kind === 'boolean') {
      input[f.name] = value === true
      continue
    }
    const text = typeof value === 'string' ? value : ''
    if (f.kind === 'json') {
      if (text.trim() === '') continue
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        throw new InvalidJsonField(f.name)
      }
      if (f.name === WHOLE_INPUT) return parsed
      input[f.name] = parsed
      continue
    }
    if (text.trim() === '' && !(f.kind === 'string' && f.required)) continue
    if (f.kind === 'number') {
      const n = Number(text)
      input[f.name] = Number.isFinite(n) ? n : text
    } else {
      input[f.name] = text
    }
  }
  return input
}

/** One line for people: a field's type and constraints, e.g. `integer, 1–100, default 5`. */
export function fieldSummary(f: Field): string {
  const parts: string[] = []
  switch (f.kind) {
    case 'enum':
      parts.push(`one of ${f.options.join(', ')}`)
      break
    case 'string':
      parts.push('text')
      if (f.minLength !== undefined || f.maxLength !== undefined) parts.push(`${f.minLength ?? 0}–${f.maxLength ?? '∞'} characters`)
      break
    case 'number':
      parts.push(f.integer ? 'integer' : 'number')
      if (f.minimum !== undefined || f.maximum !== undefined) parts.push(`${f.minimum ?? '−∞'}–${f.maximum ?? '∞'}`)
      break
    case 'boolean':
      parts.push('true or false')
      break
    case 'json':
      parts.push(f.type ? `${f.type} (JSON)` : 'any JSON')
  }
  if (f.default !== undefined) parts.push(`default ${JSON.stringify(f.default)}`)
  else if (f.required) parts.push('required')
  return parts.join(', ')
}
