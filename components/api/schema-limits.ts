import { z } from 'zod'

/** The bounds a number field of a request schema accepts, for an `<input type="number">`. */
export interface NumberLimits {
  min?: number
  max?: number
  /** The value the server takes when the field is left out. */
  default?: number
}

/**
 * The bounds of the number fields of a zod object schema, read from the schema itself (through
 * its JSON Schema), so a form's `min`/`max` are the server's and cannot drift from them. Called
 * where the schema is (a server page), the result is plain data a client form takes as props.
 */
export function numberLimits<K extends string>(schema: z.ZodObject, keys: readonly K[]): Record<K, NumberLimits> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, { minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number; default?: unknown }>
  }
  const limits = {} as Record<K, NumberLimits>
  for (const key of keys) {
    const p = json.properties?.[key]
    if (!p) throw new Error(`[sluice] the schema has no field ${key}`)
    limits[key] = {
      min: p.minimum ?? (p.exclusiveMinimum !== undefined ? p.exclusiveMinimum + 1 : undefined),
      max: p.maximum ?? (p.exclusiveMaximum !== undefined ? p.exclusiveMaximum - 1 : undefined),
      default: typeof p.default === 'number' ? p.default : undefined,
    }
  }
  return limits
}
