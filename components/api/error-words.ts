import type { ErrorKind } from '@/lib/errors'

/**
 * A headline for people, from an error code of the app's one error shape (`<kind>:<subject>`).
 * The server's `message` says the specifics; the code itself stays for developers (shown
 * folded away, and in the inspector).
 */
const byCode: Record<string, string> = {
  'rate_limited:model': 'The model is busy right now',
  'rate_limited:running': 'Too many things running at once',
  'unauthorized:model': 'The model refused the server’s credentials',
  'unavailable:model': 'The model is unavailable',
  'unavailable:model_stream': 'The connection to the model broke',
  'unavailable:network': 'The network connection was lost',
  'unavailable:store': 'The server’s storage is unreachable',
  'conflict:generation': 'This chat is already answering',
  'forbidden:owner': 'This belongs to someone else',
  'not_found:chat': 'This chat does not exist (any more)',
  'insufficient_storage:disk': 'The server’s disk is full',
}

const byKind: Record<ErrorKind, string> = {
  bad_request: 'That input was not accepted',
  unauthorized: 'Not signed in for this',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  method_not_allowed: 'Not allowed here',
  conflict: 'That clashes with the current state',
  gone: 'That is gone',
  too_large: 'That is too large',
  unsupported_media_type: 'That kind of content is not accepted',
  range_not_satisfiable: 'That position is past the end',
  rate_limited: 'Too many requests — wait a moment',
  unavailable: 'Temporarily unavailable',
  insufficient_storage: 'The server is out of space',
  internal: 'Something went wrong on the server',
}

export function errorHeadline(code: string): string {
  const kind = code.slice(0, code.indexOf(':')) as ErrorKind
  return byCode[code] ?? byKind[kind] ?? 'Something went wrong'
}

/** zod's default messages, as a person would say them (the raw one stays under "Details"). */
const issueWords: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/^Too small: expected number to be >=(-?[\d.]+)$/, (m) => `Must be at least ${m[1]}.`],
  [/^Too small: expected number to be >(-?[\d.]+)$/, (m) => `Must be more than ${m[1]}.`],
  [/^Too big: expected number to be <=(-?[\d.]+)$/, (m) => `Must be at most ${m[1]}.`],
  [/^Too big: expected number to be <(-?[\d.]+)$/, (m) => `Must be less than ${m[1]}.`],
  [/^Too small: expected string to have >=1 characters?$/, () => 'Must not be empty.'],
  [/^Too small: expected string to have >=(\d+) characters?$/, (m) => `Must be at least ${m[1]} characters.`],
  [/^Too big: expected string to have <=(\d+) characters?$/, (m) => `Must be at most ${m[1]} characters.`],
  [/^Too small: expected array to have >=(\d+) items?$/, (m) => `Needs at least ${m[1]}.`],
  [/^Too big: expected array to have <=(\d+) items?$/, (m) => `At most ${m[1]}.`],
  [/^Invalid input: expected int, received number$/, () => 'Must be a whole number.'],
  [/^Invalid input: expected number, received (NaN|string|undefined)$/, () => 'Must be a number.'],
  [/^Invalid input: expected (\w+), received undefined$/, () => 'Required.'],
  [/^Invalid option: expected one of (.+)$/, (m) => `Must be one of ${m[1]!.replaceAll('|', ', ')}.`],
  [/^Unrecognized keys?: (.+)$/, (m) => `Not a known field: ${m[1]}.`],
]

/** A validation message for people: zod's defaults rewritten, the server's own sentences as they are. */
export function issueInWords(message: string): string {
  for (const [pattern, words] of issueWords) {
    const match = message.match(pattern)
    if (match) return words(match)
  }
  return message
}
