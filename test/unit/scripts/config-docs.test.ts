import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { configurationMarkdown, envExample } from '@/scripts/config-docs'

// `npm run config:docs` sets UPDATE_CONFIG_DOCS=1 and rewrites the files instead of comparing.
const update = process.env.UPDATE_CONFIG_DOCS === '1'

describe.each([
  ['docs/configuration.md', configurationMarkdown],
  ['.env.example', envExample],
])('%s', (file, render) => {
  it('is what lib/config/ generates (run `npm run config:docs` after changing a variable)', () => {
    const text = `${render()}\n`
    if (update) writeFileSync(file, text)
    expect(readFileSync(file, 'utf8')).toBe(text)
  })
})

describe('the configuration table', () => {
  it('lists every variable the schema reads, test-only ones apart', () => {
    const md = configurationMarkdown()
    // Every group's file of lib/config/ (each declares its variables as `  NAME: schema`).
    const source = readdirSync('lib/config')
      .map((file) => readFileSync(`lib/config/${file}`, 'utf8'))
      .join('\n')
    const names = [...source.matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1])
    expect(names.length).toBeGreaterThan(30)
    for (const name of names) expect(md, name).toContain(`| \`${name}\` |`)
    const testOnly = md.slice(md.indexOf('Settings only the tests use'))
    expect(testOnly).toContain('SLUICE_UPLOAD_THROTTLE_BPS')
    expect(envExample()).not.toContain('SLUICE_UPLOAD_THROTTLE_BPS')
  })
})
