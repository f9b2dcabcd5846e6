import { readdirSync } from 'node:fs'
import next from 'eslint-config-next'
import nextTs from 'eslint-config-next/typescript'

/**
 * Feature boundaries. Every folder of `lib/` is a feature (or, for `lib/redis/`, the platform
 * layer) with a front door: `index.ts` (server) and, where browser code needs it, `client.ts`
 * (nothing that pulls Node modules into a client bundle). Code outside a feature imports it only
 * through a door — `@/lib/durable`, `@/lib/durable/client` — never `@/lib/durable/service`;
 * inside a feature, deep imports are fine. Relative imports that climb out of a folder
 * (`../x`) are refused in `lib/`, so a reach-in cannot hide behind a relative path.
 * `test/unit/boundaries.test.ts` checks that this rule stays in force.
 */
const features = readdirSync(new URL('./lib', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)

const DOOR_MESSAGE = "Import another feature through its front door: '@/lib/<feature>' (server) or '@/lib/<feature>/client' (browser-safe)."

/** `@/lib/<feature>/<anything but client>`, except for the features in `own`. */
function reachIn(own) {
  const others = own === undefined ? '' : `(?!${own}/)`
  return { regex: `^@/lib/${others}[a-z0-9-]+/(?!client$)`, message: DOOR_MESSAGE }
}

const climbing = { regex: '^\\.\\./', message: "Use the '@/' alias: a relative import out of a folder can reach inside another feature." }

const boundaries = [
  // Inside a feature: its own files freely, other features through their doors.
  ...features.map((feature) => ({
    files: [`lib/${feature}/**/*.{ts,tsx}`],
    rules: { 'no-restricted-imports': ['error', { patterns: [reachIn(feature), climbing] }] },
  })),
  // The shared modules of lib/ (lib/http.ts, lib/config/, …), the routes, pages, components and the root files.
  {
    files: [
      'lib/*.ts',
      'app/**/*.{ts,tsx}',
      'pages/**/*.{ts,tsx}',
      'components/**/*.{ts,tsx}',
      'proxy.ts',
      'instrumentation.ts',
      'instrumentation-node.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: [reachIn(undefined)] }] },
  },
]

const config = [
  ...next,
  ...nextTs,
  ...boundaries,
  {
    ignores: ['.next/**', 'node_modules/**', 'data/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts'],
  },
]
export default config
