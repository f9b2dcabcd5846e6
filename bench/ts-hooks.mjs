/**
 * Lets plain Node load the project's TypeScript modules (`lib/`, route schemas, test support) so the
 * benchmark and its plain `node:http` server run the very same code as Sluice: `@/x` resolves to
 * `<root>/x.ts`, and `.ts` files load as ES modules with Node 24's built-in type stripping.
 * Import it (dynamically) before importing anything through `@/`.
 */
import { registerHooks } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const root = path.resolve(import.meta.dirname, '..')

registerHooks({
  resolve(specifier, context, nextResolve) {
    const target = specifier.startsWith('@/') ? pathToFileURL(path.join(root, `${specifier.slice(2)}.ts`)).href : specifier
    const resolved = nextResolve(target, context)
    return resolved.url.endsWith('.ts') ? { ...resolved, format: 'module-typescript' } : resolved
  },
})
