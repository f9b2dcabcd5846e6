import { z } from 'zod'

/** The bounds a field of a request schema accepts: `min`/`max` for a number, `minLength`/`maxLength` for a string. */
export interface FieldLimits {
  min?: number
  max?: number
  minLength?: number
  maxLength?: number
  /** The value the server takes when the field is left out (a number field's). */
  default?: number
}

/**
 * The bounds of fields of a zod object schema, read from the schema itself (through
 * its JSON Schema), so a form's `min`, `max` and `maxLength` are the server's and cannot drift from them. Called
 * where the schema is (a server page), the result is plain data a client form takes as props.
 */
export function fieldLimits<K extends string>(schema: z.ZodObject, keys: readonly K[]): Record<K, FieldLimits> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<
      string,
      {
        minimum?: number
        maximum?: number
        minLength?: number
        maxLength?: number
        exclusiveMinimum?: number
        exclusiveMaximum?: number
        default?: unknown
      }
    >
  }
  const limits = {} as Record<K, FieldLimits>
  for (const key of keys) {
    const p = json.properties?.[key]
    if (!p) throw new Error(`[sluice] the schema has no field ${key}`)
    limits[key] = {
      min: p.minimum ?? (p.exclusiveMinimum !== undefined ? p.exclusiveMinimum + 1 : undefined),
      max: p.maximum ?? (p.exclusiveMaximum !== undefined ? p.exclusiveMaximum - 1 : undefined),
      minLength: p.minLength,
      maxLength: p.maxLength,
      default: typeof p.default === 'number' ? p.default : undefined,
    }
  }
  return limits
}
