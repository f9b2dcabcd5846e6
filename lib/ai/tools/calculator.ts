/**
 * A safe arithmetic evaluator for the `calculate` tool: a tokenizer and a recursive-descent
 * parser over a small grammar. No `eval`, no `Function`, no property access: only numbers,
 * operators, parentheses, a few named constants and functions.
 *
 * ```
 * expr    := term (('+' | '-') term)*
 * term    := unary (('*' | '/' | '%') unary)*
 * unary   := ('-' | '+') unary | power
 * power   := primary ('^' unary)?          // right-associative, binds tighter than unary minus on its left
 * primary := number | constant | name '(' expr (',' expr)* ')' | '(' expr ')'
 * ```
 */

/** Why an expression could not be evaluated; the message is safe to show to a user or a model. */
export class CalculationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CalculationError'
  }
}

export const MAX_EXPRESSION_LENGTH = 256
const MAX_DEPTH = 64

type Token =
  { kind: 'number'; value: number; at: number } | { kind: 'name'; value: string; at: number } | { kind: 'op'; value: string; at: number }

// Maps, not object literals: a name like `constructor` must not reach Object.prototype.
const constants: ReadonlyMap<string, number> = new Map([
  ['pi', Math.PI],
  ['e', Math.E],
  ['tau', 2 * Math.PI],
])

const functions: ReadonlyMap<string, { arity: [number, number]; fn: (...args: number[]) => number }> = new Map([
  ['sqrt', { arity: [1, 1], fn: Math.sqrt }],
  ['abs', { arity: [1, 1], fn: Math.abs }],
  ['round', { arity: [1, 1], fn: Math.round }],
  ['floor', { arity: [1, 1], fn: Math.floor }],
  ['ceil', { arity: [1, 1], fn: Math.ceil }],
  ['ln', { arity: [1, 1], fn: Math.log }],
  ['log', { arity: [1, 1], fn: Math.log10 }],
  ['sin', { arity: [1, 1], fn: Math.sin }],
  ['cos', { arity: [1, 1], fn: Math.cos }],
  ['tan', { arity: [1, 1], fn: Math.tan }],
  ['min', { arity: [1, 16], fn: Math.min }],
  ['max', { arity: [1, 16], fn: Math.max }],
])

function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  const re = /\s*(?:(\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)|([a-z]+)|(\*\*|[-+*/%^(),×÷]))/iy
  let at = 0
  while (at < source.length) {
    if (/^\s*$/.test(source.slice(at))) break
    re.lastIndex = at
    const m = re.exec(source)
    if (!m) throw new CalculationError(`Unexpected character “${source.slice(at).trimStart()[0]}” at position ${at + 1}`)
    const start = at + m[0].length - (m[1] ?? m[2] ?? m[3] ?? '').length
    if (m[1] !== undefined) tokens.push({ kind: 'number', value: Number(m[1]), at: start })
    else if (m[2] !== undefined) tokens.push({ kind: 'name', value: m[2].toLowerCase(), at: start })
    else {
      const op = m[3] === '**' ? '^' : m[3] === '×' ? '*' : m[3] === '÷' ? '/' : m[3]!
      tokens.push({ kind: 'op', value: op, at: start })
    }
    at = re.lastIndex
  }
  return tokens
}

class Parser {
  private index = 0
  private depth = 0
  constructor(private readonly tokens: Token[]) {}

  parse(): number {
    if (this.tokens.length === 0) throw new CalculationError('The expression is empty')
    const value = this.expr()
    const extra = this.tokens[this.index]
    if (extra) throw new CalculationError(`Unexpected “${extra.value}” at position ${extra.at + 1}`)
    return value
  }

  private peekOp(...ops: string[]): string | undefined {
    const t = this.tokens[this.index]
    return t?.kind === 'op' && ops.includes(t.value) ? t.value : undefined
  }

  private expect(op: string): void {
    const t = this.tokens[this.index]
    if (t?.kind !== 'op' || t.value !== op) {
      throw new CalculationError(t ? `Expected “${op}” at position ${t.at + 1}` : `Expected “${op}” at the end`)
    }
    this.index++
  }

  private nested<T>(fn: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new CalculationError('The expression is nested too deeply')
    try {
      return fn()
    } finally {
      this.depth--
    }
  }

  private expr(): number {
    let value = this.term()
    for (let op = this.peekOp('+', '-'); op; op = this.peekOp('+', '-')) {
      this.index++
      const right = this.term()
      value = op === '+' ? value + right : value - right
    }
    return value
  }

  private term(): number {
    let value = this.unary()
    for (let op = this.peekOp('*', '/', '%'); op; op = this.peekOp('*', '/', '%')) {
      this.index++
      const right = this.unary()
      if ((op === '/' || op === '%') && right === 0) throw new CalculationError('Division by zero')
      value = op === '*' ? value * right : op === '/' ? value / right : value % right
    }
    return value
  }

  private unary(): number {
    const op = this.peekOp('-', '+')
    if (op) {
      this.index++
      const value = this.nested(() => this.unary())
      return op === '-' ? -value : value
    }
    return this.power()
  }

  private power(): number {
    const base = this.primary()
    if (!this.peekOp('^')) return base
    this.index++
    return base ** this.nested(() => this.unary())
  }

  private primary(): number {
    const t = this.tokens[this.index]
    if (!t) throw new CalculationError('The expression ends too early')
    this.index++
    if (t.kind === 'number') return t.value
    if (t.kind === 'op' && t.value === '(') {
      const value = this.nested(() => this.expr())
      this.expect(')')
      return value
    }
    if (t.kind === 'name') {
      const constant = constants.get(t.value)
      if (constant !== undefined && !this.peekOp('(')) return constant
      const fn = functions.get(t.value)
      if (!fn) throw new CalculationError(`Unknown name “${t.value}”`)
      this.expect('(')
      const args = [this.nested(() => this.expr())]
      while (this.peekOp(',')) {
        this.index++
        args.push(this.nested(() => this.expr()))
      }
      this.expect(')')
      const [min, max] = fn.arity
      if (args.length < min || args.length > max)
        throw new CalculationError(`${t.value}() takes ${min === max ? min : `${min} to ${max}`} argument(s)`)
      return fn.fn(...args)
    }
    throw new CalculationError(`Unexpected “${t.value}” at position ${t.at + 1}`)
  }
}

/**
 * Evaluates an arithmetic expression such as `12 * (3 + 4) ^ 2 / sqrt(16)`.
 * Throws {@link CalculationError} for anything that is not a finite number.
 */
export function evaluate(expression: string): number {
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw new CalculationError(`The expression is longer than ${MAX_EXPRESSION_LENGTH} characters`)
  }
  const value = new Parser(tokenize(expression)).parse()
  if (!Number.isFinite(value)) throw new CalculationError('The result is not a finite number')
  return value
}

/** A result for display: at most 12 significant digits, no `-0`, no float noise like `0.30000000000000004`. */
export function formatNumber(value: number): string {
  if (Object.is(value, -0)) return '0'
  const rounded = Number(value.toPrecision(12))
  return Math.abs(rounded) >= 1e21 || (rounded !== 0 && Math.abs(rounded) < 1e-9) ? rounded.toExponential() : String(rounded)
}
