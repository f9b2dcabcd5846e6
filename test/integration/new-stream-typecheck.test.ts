import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'

const repo = path.resolve(import.meta.dirname, '../..')
let root: string | undefined

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true })
})

// Slower than a unit test (a full `tsc` run), so it lives with the integration tests.
it('generates files that type-check against the project (strict, noUncheckedIndexedAccess)', async () => {
  await mkdir(path.join(repo, 'test-results'), { recursive: true })
  root = await mkdtemp(path.join(repo, 'test-results/new-stream-tsc-'))
  // The front door of lib/typed as the scaffold finds it (the project's exports, then its marker):
  // the generated route imports the definition from there.
  await mkdir(path.join(root, 'lib/typed'), { recursive: true })
  const projectDoor = path.relative(path.join(root, 'lib/typed'), path.join(repo, 'lib/typed/index'))
  await writeFile(path.join(root, 'lib/typed/index.ts'), `export * from '${projectDoor}'\n// new:stream adds exports above this line\n`)
  const generated = spawnSync(process.execPath, [path.join(repo, 'scripts/new-stream.mjs'), 'order-feed', '--root', root], {
    encoding: 'utf8',
  })
  expect(generated.status, generated.stderr).toBe(0)
  // The project's own compiler options; `@/` resolves to the generated files first, then the project.
  const tsconfig = {
    extends: path.join(repo, 'tsconfig.json'),
    compilerOptions: { incremental: false, plugins: [], paths: { '@/*': ['./*', `${path.relative(root, repo)}/*`] } },
    include: ['**/*.ts'],
    exclude: [],
  }
  await writeFile(path.join(root, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
  const tsc = spawnSync(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root], {
    encoding: 'utf8',
  })
  expect(tsc.stdout + tsc.stderr).toBe('')
  expect(tsc.status).toBe(0)
})
