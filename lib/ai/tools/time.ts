/**
 * The `currentTime` tool's work: the current time in an IANA time zone, with the zone's UTC
 * offset at that instant, computed with `Intl` (the runtime's own time-zone database).
 */

/** The time zone could not be found; the message is safe to show to a user or a model. */
export class TimeZoneError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TimeZoneError'
  }
}

let zones: readonly string[] | undefined
function allZones(): readonly string[] {
  zones ??= [...Intl.supportedValuesOf('timeZone'), 'UTC']
  return zones
}

/** Common names that are not the last segment of an IANA id. */
const aliases: Readonly<Record<string, string>> = {
  utc: 'UTC',
  gmt: 'UTC',
  'new york': 'America/New_York',
  nyc: 'America/New_York',
  'san francisco': 'America/Los_Angeles',
  'los angeles': 'America/Los_Angeles',
  seattle: 'America/Los_Angeles',
  beijing: 'Asia/Shanghai',
  mumbai: 'Asia/Kolkata',
  delhi: 'Asia/Kolkata',
  india: 'Asia/Kolkata',
  japan: 'Asia/Tokyo',
  uk: 'Europe/London',
  england: 'Europe/London',
  france: 'Europe/Paris',
  germany: 'Europe/Berlin',
  'hong kong': 'Asia/Hong_Kong',
  kathmandu: 'Asia/Kathmandu',
  kolkata: 'Asia/Kolkata',
  kyiv: 'Europe/Kyiv',
}

/** The canonical id when the runtime accepts `name` as a time zone (case-insensitive), else undefined. */
function canonical(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone
  } catch {
    return undefined
  }
}

const normalize = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')

/**
 * Resolves an IANA id (`Asia/Tokyo`, any case) or a place name (`Tokyo`, `new york`) to an
 * IANA time-zone id. Throws {@link TimeZoneError} when nothing matches.
 */
export function resolveTimeZone(name: string): string {
  const wanted = normalize(name)
  if (!wanted) throw new TimeZoneError('No time zone was given')
  const alias = Object.hasOwn(aliases, wanted) ? aliases[wanted] : undefined
  if (alias) return alias
  if (/^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$/.test(name.trim())) {
    const id = canonical(name.trim())
    if (id) return id
  }
  const all = allZones()
  const byCity = all.find((z) => normalize(z.slice(z.lastIndexOf('/') + 1)) === wanted)
  if (byCity) return byCity
  throw new TimeZoneError(`Unknown time zone “${name}”: use an IANA name such as Europe/Paris or a city such as Tokyo`)
}

export interface ZonedTime {
  timeZone: string
  /** The instant, as UTC ISO 8601. */
  iso: string
  /** The wall-clock date and time in the zone, e.g. `Tuesday 3 June 2025, 14:03:12`. */
  local: string
  /** The zone's offset from UTC at that instant, e.g. `+09:00`, `-04:00`, `+05:45`. */
  utcOffset: string
}

function offsetOf(timeZone: string, at: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value
  // "GMT+09:00", "GMT-04:00", or plain "GMT" for a zero offset.
  const m = /^GMT([+-]\d{2}:\d{2})?$/.exec(part ?? '')
  return m?.[1] ?? '+00:00'
}

/** The time `now` in the zone named `zone` (IANA id or place name). */
export function currentTime(zone: string, now: Date = new Date()): ZonedTime {
  const timeZone = resolveTimeZone(zone)
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now)
  const p = (type: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === type)?.value ?? ''
  const local = `${p('weekday')} ${p('day')} ${p('month')} ${p('year')}, ${p('hour')}:${p('minute')}:${p('second')}`
  return { timeZone, iso: now.toISOString(), local, utcOffset: offsetOf(timeZone, now) }
}
