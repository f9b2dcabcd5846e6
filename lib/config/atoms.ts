import { z } from 'zod'

/** The building blocks of every group's variables: shared schemas and the documentation metadata. */
export const bytes = z.coerce.number().int().positive()
export const ms = z.coerce.number().int().nonnegative()
/** An optional string where an empty value counts as unset (`OPENAI_API_KEY=` in a .env file). */
export const optional = <T extends z.ZodType>(inner: T) => z.preprocess((v) => (v === '' ? undefined : v), inner.optional())

/** What the configuration table (`docs/configuration.md`, `.env.example`) says of a variable. */
export interface VariableDoc {
  /** One sentence or two: what it does, and what happens when it is unset. */
  description: string
  /** The section of the table. */
  group: string
  /** The default in words, where the schema's default is not the whole story (derived, or unset). */
  defaultText?: string
  /** Where the feature's own document explains it. */
  doc?: string
}
export const doc = (meta: VariableDoc) => meta as VariableDoc & Record<string, unknown>
