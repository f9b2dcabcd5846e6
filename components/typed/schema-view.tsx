import { fieldSummary, formFields, WHOLE_INPUT } from '@/components/typed/form-fields'
import type { JsonSchema } from '@/lib/typed/client'

/**
 * One of an endpoint's schemas, collapsed: its fields in words (name, type, constraints), and the
 * JSON Schema itself as the catalogue serves it.
 */
export function SchemaView({ title, schema, testId }: { title: string; schema: JsonSchema; testId: string }) {
  const fields = formFields(schema).filter((f) => f.name !== WHOLE_INPUT)
  return (
    <details className="rounded border border-zinc-200 text-sm dark:border-zinc-800" data-testid={testId}>
      <summary className="cursor-pointer px-3 py-1.5 font-medium">{title}</summary>
      <div className="space-y-2 px-3 pb-3">
        {fields.length > 0 && (
          <ul className="space-y-0.5">
            {fields.map((f) => (
              <li key={f.name}>
                <code className="font-semibold">{f.name}</code>: {fieldSummary(f)}
                {f.description && <span className="text-zinc-600 dark:text-zinc-400"> — {f.description}</span>}
              </li>
            ))}
          </ul>
        )}
        <pre className="max-h-72 overflow-auto rounded bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-950">
          {JSON.stringify(schema, null, 2)}
        </pre>
      </div>
    </details>
  )
}
