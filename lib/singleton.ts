/**
 * Process-wide state. Next.js bundles each route separately, so a module-level variable is not
 * shared between routes: state that several routes use lives here, on one `globalThis` object,
 * created on first use under a stable name.
 */
const KEY = Symbol.for('sluice.singletons')

type Registry = Map<string, unknown>

function registry(): Registry {
  const g = globalThis as typeof globalThis & { [KEY]?: Registry }
  g[KEY] ??= new Map()
  return g[KEY]
}

/** The process-wide instance named `name`, created by `create` the first time it is asked for. */
export function singleton<T>(name: string, create: () => T): T {
  const map = registry()
  if (!map.has(name)) map.set(name, create())
  return map.get(name) as T
}
