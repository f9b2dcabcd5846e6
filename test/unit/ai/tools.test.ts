import { describe, expect, it } from 'vitest'
import { CalculationError, evaluate, formatNumber } from '@/lib/ai/tools/calculator'
import { currentTime, resolveTimeZone, TimeZoneError } from '@/lib/ai/tools/time'

describe('calculator', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 ^ 3 ^ 2', 512],
    ['-2 ^ 2', -4],
    ['2 ^ -1', 0.5],
    ['2 ** 10', 1024],
    ['10 % 4', 2],
    ['7 / 2', 3.5],
    ['--3', 3],
    ['sqrt(16) + abs(-2)', 6],
    ['max(1, 5, 3) - min(4, 2)', 3],
    ['round(2.5) + floor(-1.5) + ceil(1.1)', 3],
    ['1e3 + .5', 1000.5],
    ['6 × 7 ÷ 2', 21],
    ['log(1000)', 3],
  ])('%s = %d', (expression, expected) => {
    expect(evaluate(expression)).toBeCloseTo(expected, 12)
  })

  it('knows pi and e', () => {
    expect(evaluate('2 * pi')).toBe(2 * Math.PI)
    expect(evaluate('ln(e)')).toBe(1)
  })

  it.each([
    ['', /empty/],
    ['1 +', /ends too early/],
    ['(1 + 2', /Expected “\)”/],
    ['1 / 0', /Division by zero/],
    ['5 % 0', /Division by zero/],
    ['2 ^ 2000', /finite/],
    ['sqrt(-1)', /finite/],
    ['alert(1)', /Unknown name “alert”/],
    ['constructor', /Unknown name/],
    ['1 ; 2', /Unexpected character “;”/],
    ['this.x', /Unexpected character “.”/],
    ['valueOf(1)', /Unknown name “valueof”/],
    ['1 2', /Unexpected “2”/],
    ['sqrt(1, 2)', /takes 1 argument/],
    ['('.repeat(100) + '1' + ')'.repeat(100), /nested too deeply/],
    ['1+'.repeat(200) + '1', /longer than 256/],
  ])('refuses %j', (expression, message) => {
    expect(() => evaluate(expression)).toThrow(CalculationError)
    expect(() => evaluate(expression)).toThrow(message)
  })

  it('formats results without float noise', () => {
    expect(formatNumber(0.1 + 0.2)).toBe('0.3')
    expect(formatNumber(-0)).toBe('0')
    expect(formatNumber(1 / 3)).toBe('0.333333333333')
    expect(formatNumber(2 ** 80)).toBe('1.20892581961e+24')
  })
})

describe('time zones', () => {
  it('resolves IANA ids in any case, cities and aliases', () => {
    expect(resolveTimeZone('Asia/Tokyo')).toBe('Asia/Tokyo')
    expect(resolveTimeZone('asia/tokyo')).toBe('Asia/Tokyo')
    expect(resolveTimeZone('Tokyo')).toBe('Asia/Tokyo')
    expect(resolveTimeZone('new york')).toBe('America/New_York')
    expect(resolveTimeZone('Kathmandu')).toBe('Asia/Kathmandu')
    expect(resolveTimeZone('utc')).toBe('UTC')
  })

  it('refuses unknown zones with a message that says what to use', () => {
    expect(() => resolveTimeZone('Atlantis')).toThrow(TimeZoneError)
    expect(() => resolveTimeZone('Atlantis')).toThrow(/IANA name/)
    expect(() => resolveTimeZone('  ')).toThrow(/No time zone/)
  })

  it('gives the wall-clock time and the offset at that instant (DST included)', () => {
    const winter = new Date('2025-01-15T12:00:00Z')
    const summer = new Date('2025-07-15T12:00:00Z')
    expect(currentTime('Tokyo', winter)).toEqual({
      timeZone: 'Asia/Tokyo',
      iso: '2025-01-15T12:00:00.000Z',
      local: 'Wednesday 15 January 2025, 21:00:00',
      utcOffset: '+09:00',
    })
    expect(currentTime('Europe/Paris', winter).utcOffset).toBe('+01:00')
    expect(currentTime('Europe/Paris', summer).utcOffset).toBe('+02:00')
    expect(currentTime('America/New_York', summer).local).toBe('Tuesday 15 July 2025, 08:00:00')
    expect(currentTime('Kathmandu', winter).utcOffset).toBe('+05:45')
    expect(currentTime('UTC', winter).utcOffset).toBe('+00:00')
  })
})

describe('chat tools honour the abort signal', () => {
  it('a stopped generation does not run a tool', async () => {
    const { chatTools } = await import('@/lib/ai/tools')
    const tools = chatTools()
    const abort = new AbortController()
    abort.abort(new DOMException('stopped', 'AbortError'))
    const options = { toolCallId: 'c', messages: [], abortSignal: abort.signal, context: undefined }
    await expect(tools.calculate.execute!({ expression: '1+1' }, options as never)).rejects.toMatchObject({ name: 'AbortError' })
    await expect(tools.currentTime.execute!({ timeZone: 'UTC' }, options as never)).rejects.toMatchObject({ name: 'AbortError' })
    await expect(tools.searchData.execute!({ query: 'x' }, options as never)).rejects.toMatchObject({ name: 'AbortError' })
  })
})
