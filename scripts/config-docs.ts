import { z } from 'zod'
import { configVariables, parseConfig, type VariableDoc } from '@/lib/config'

/**
 * The configuration table (`docs/configuration.md`) and `.env.example`, generated from the
 * schema in `lib/config/` (one file per group) — its `.meta()` says what each variable does, the schema its type,
 * limits and default. `npm run config:docs` writes both; `test/unit/scripts/config-docs.test.ts` fails
 * when either is out of date.
 */
interface Row extends VariableDoc {
  name: string
  accepts: string
  defaultValue: string
}

function accepts(schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>
  if (Array.isArray(json.enum)) return json.enum.map((v) => `\`${String(v)}\``).join(', ')
  if (json.type === 'integer' || json.type === 'number') {
    const min = (json.minimum as number | undefined) ?? (json.exclusiveMinimum === 0 ? 1 : undefined)
    const max = json.maximum as number | undefined
    const bounded = max !== undefined && max < Number.MAX_SAFE_INTEGER
    if (min !== undefined && bounded) return `integer ${min}–${max}`
    if (min !== undefined) return `integer ≥ ${min}`
    return 'integer'
  }
  if (json.format === 'uri') return 'URL'
  if (typeof json.pattern === 'string') return 'text (see description)'
  if (typeof json.minLength === 'number' && json.minLength > 1) return `text, ≥ ${json.minLength} characters`
  return 'text'
}

function rows(group: Record<string, z.ZodType>): Row[] {
  const defaults = parseConfig({} as NodeJS.ProcessEnv) as unknown as Record<string, unknown>
  return Object.entries(group).map(([name, schema]) => {
    const meta = z.globalRegistry.get(schema) as VariableDoc | undefined
    if (!meta?.description || !meta.group) throw new Error(`lib/config/: ${name} needs .meta({ group, description })`)
    const value = defaults[name]
    const defaultValue = meta.defaultText ?? (value === undefined ? 'unset' : `\`${String(value)}\``)
    return { ...meta, name, accepts: accepts(schema), defaultValue }
  })
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ')

function table(list: Row[]): string[] {
  const out: string[] = []
  for (const group of [...new Set(list.map((r) => r.group))]) {
    out.push(`## ${group}`, '', '| variable | default | accepts | what it does |', '|---|---|---|---|')
    for (const r of list.filter((x) => x.group === group)) {
      const more = r.doc ? ` ([more](${r.doc.startsWith('docs/') ? r.doc.slice('docs/'.length) : `../${r.doc}`}))` : ''
      out.push(`| \`${r.name}\` | ${cell(r.defaultValue)} | ${cell(r.accepts)} | ${cell(r.description)}${more} |`)
    }
    out.push('')
  }
  return out
}

export function configurationMarkdown(): string {
  return [
    '# Configuration',
    '',
    '<!-- Generated from lib/config/ by `npm run config:docs`; edit the schema’s .meta(), not this file. -->',
    '',
    'Every variable is read and validated once in `lib/config/`, and checked when the server starts',
    '(`instrumentation.ts`): a bad value stops `next start` with exit code 1 and a message naming the',
    'variable, before it serves anything. `.env.example` lists the same variables with their defaults;',
    'copy it to `.env.local` (Next.js reads it) to change one. `PORT` (default 3000) is read by `next start` itself.',
    '',
    ...table(rows(configVariables.variables)),
    'Settings only the tests use, never to be set in production:',
    '',
    ...table(rows(configVariables.testOnly)),
  ].join('\n')
}

export function envExample(): string {
  const out = [
    '# Every Sluice setting, with its default (generated from lib/config/ by `npm run config:docs`).',
    '# Copy to .env.local and uncomment what you change; docs/configuration.md says what each one does.',
    '',
  ]
  const list = rows(configVariables.variables)
  for (const group of [...new Set(list.map((r) => r.group))]) {
    out.push(`# --- ${group}`)
    for (const r of list.filter((x) => x.group === group)) {
      out.push(`# ${r.description.replaceAll('`', '')}`)
      const value = r.defaultValue.startsWith('`') && r.defaultText === undefined ? r.defaultValue.slice(1, -1) : ''
      out.push(`# ${r.name}=${value}`)
    }
    out.push('')
  }
  return out.join('\n')
}
