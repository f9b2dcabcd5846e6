/**
 * Lets plain Node load the project's TypeScript modules (`lib/`, route schemas, test support) so the
 * benchmark and its plain `node:http` server run the very same code as Sluice: `@/x` resolves to
 * `<root>/x.ts` or, for a feature's front door, `<root>/x/index.ts`; a relative import without an
 * extension from a `.ts` file likewise; `.ts` files load as ES modules with Node 24's built-in type
 * stripping.
 * Import it (dynamically) before importing anything through `@/`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { registerHooks, stripTypeScriptTypes } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = path.resolve(import.meta.dirname, '..')

/** `base` as a TypeScript module: itself if it is a file, else `base.ts`, `base.tsx` or `base/index.ts`. */
function typescriptFile(base) {
  if (existsSync(base) && statSync(base).isFile()) return base
  return [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')].find((file) => existsSync(file))
}

registerHooks({
  resolve(specifier, context, nextResolve) {
    let target = specifier
    if (specifier.startsWith('@/')) {
      const file = typescriptFile(path.join(root, specifier.slice(2)))
      if (file) target = pathToFileURL(file).href
    } else if (specifier.startsWith('.') && context.parentURL?.startsWith('file:') && /\.tsx?$/.test(context.parentURL)) {
      const file = typescriptFile(path.resolve(path.dirname(fileURLToPath(context.parentURL)), specifier))
      if (file) target = pathToFileURL(file).href
    }
    let resolved
    try {
      resolved = nextResolve(target, context)
    } catch (error) {
      // A package subpath without an exports map, as the bundler finds it (`next/headers` → `next/headers.js`).
      if (error?.code !== 'ERR_MODULE_NOT_FOUND' || target.startsWith('.') || target.includes(':')) throw error
      resolved = nextResolve(`${target}.js`, context)
    }
    return resolved.url.endsWith('.ts') ? { ...resolved, format: 'module-typescript' } : resolved
  },
  load(url, context, nextLoad) {
    if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context)
    // Transform, not only strip: lib/ uses parameter properties, which type stripping refuses.
    const source = stripTypeScriptTypes(readFileSync(fileURLToPath(url), 'utf8'), { mode: 'transform', sourceUrl: url })
    return { format: 'module', source, shortCircuit: true }
  },
})
