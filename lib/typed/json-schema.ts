import { z } from 'zod'
import type { AnyStreamDefinition } from '@/lib/typed/define'

/** A JSON Schema (draft 2020-12) document, as `z.toJSONSchema` produces it. */
export type JsonSchema = { [key: string]: unknown }

/** A stream's three schemas as JSON Schema: what a client sends, and what each frame carries. */
export interface StreamSchemas {
  /**
   * The input as a client may send it (`io: 'input'`): fields with a default are not `required`,
   * and `default` says what the server uses when they are left out.
   */
  input: JsonSchema
  /** Each `chunk` frame's `data`, as the server sends it. */
  chunk: JsonSchema
  /** The `complete` frame's `data` (and a `cancel` frame's `final`, when the handler closed with one). */
  final: JsonSchema
}

/**
 * A definition's schemas as JSON Schema (zod 4's `z.toJSONSchema`), for catalogues, forms and
 * other languages' clients. What JSON Schema cannot express (a transform, a refinement, a custom
 * type) becomes `{}` — "any value" — rather than an error: the server's zod schema stays the one
 * that decides.
 */
export function streamSchemas(definition: AnyStreamDefinition): StreamSchemas {
  const convert = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema
  return {
    input: convert(definition.input, 'input'),
    chunk: convert(definition.chunk, 'output'),
    final: convert(definition.final, 'output'),
  }
}
