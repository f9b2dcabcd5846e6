/** A minimal structured logger: a scope prefix, a message, optional fields. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/** A logger writing to the console with `[sluice:<scope>]` in front. */
export function consoleLogger(scope: string): Logger {
  const prefix = `[sluice:${scope}]`
  const line = (fields?: Record<string, unknown>) => (fields ? [fields] : [])
  return {
    info: (message, fields) => console.info(prefix, message, ...line(fields)),
    warn: (message, fields) => console.warn(prefix, message, ...line(fields)),
    error: (message, fields) => console.error(prefix, message, ...line(fields)),
  }
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} }
