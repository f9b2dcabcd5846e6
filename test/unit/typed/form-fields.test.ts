import { describe, expect, it } from 'vitest'
import { fieldSummary, formFields, initialValues, InvalidJsonField, toInput, WHOLE_INPUT } from '@/components/typed/form-fields'

// A schema as `z.toJSONSchema(..., { io: 'input' })` writes one, by hand.
const schema = {
  type: 'object',
  properties: {
    prompt: { type: 'string', minLength: 1, maxLength: 4000, description: 'What to ask' },
    name: { type: 'string', maxLength: 40 },
    mode: { type: 'string', enum: ['fast', 'slow'], default: 'fast' },
    count: { type: 'integer', minimum: 1, maximum: 100, default: 5 },
    ratio: { type: 'number' },
    loud: { type: 'boolean', default: true },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['prompt'],
}

describe('a form from an input schema', () => {
  const fields = formFields(schema)

  it('gives each field its control, bounds, default and whether it is required', () => {
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ['prompt', 'string', true],
      ['name', 'string', false],
      ['mode', 'enum', false],
      ['count', 'number', false],
      ['ratio', 'number', false],
      ['loud', 'boolean', false],
      ['tags', 'json', false],
    ])
    expect(fields[0]).toMatchObject({ multiline: true, minLength: 1, maxLength: 4000, description: 'What to ask' })
    expect(fields[1]).toMatchObject({ multiline: false })
    expect(fields[2]).toMatchObject({ options: ['fast', 'slow'], default: 'fast' })
    expect(fields[3]).toMatchObject({ integer: true, minimum: 1, maximum: 100, default: 5 })
    expect(fields[4]).toMatchObject({ integer: false })
  })

  it('starts from the defaults', () => {
    expect(initialValues(fields)).toEqual({ prompt: '', name: '', mode: 'fast', count: '5', ratio: '', loud: true, tags: '' })
  })

  it('makes the input: empty optional fields left out, a required string sent empty, numbers as numbers', () => {
    const values = { ...initialValues(fields), ratio: '0.5', tags: '["a"]' }
    expect(toInput(fields, values)).toEqual({ prompt: '', mode: 'fast', count: 5, ratio: 0.5, loud: true, tags: ['a'] })
    expect(toInput(fields, { ...values, count: '', loud: false })).toEqual({
      prompt: '',
      mode: 'fast',
      ratio: 0.5,
      loud: false,
      tags: ['a'],
    })
    // Not a number: sent as typed, for the server's schema to refuse.
    expect(toInput(fields, { ...values, count: 'ten' })).toMatchObject({ count: 'ten' })
  })

  it('refuses a JSON field that is not JSON, naming it', () => {
    expect(() => toInput(fields, { ...initialValues(fields), tags: '[a' })).toThrow(InvalidJsonField)
    expect(() => toInput(fields, { ...initialValues(fields), tags: '[a' })).toThrow('tags: not valid JSON')
  })

  it('falls back to one JSON text area for an input that is not an object of fields', () => {
    const whole = formFields({ type: 'array', items: { type: 'number' } })
    expect(whole).toEqual([{ name: WHOLE_INPUT, kind: 'json', required: true, default: undefined }])
    expect(toInput(whole, { [WHOLE_INPUT]: '[1, 2]' })).toEqual([1, 2])
  })

  it('says each field’s type and constraints in words', () => {
    expect(fields.map(fieldSummary)).toEqual([
      'text, 1–4000 characters, required',
      'text, 0–40 characters',
      'one of fast, slow, default "fast"',
      'integer, 1–100, default 5',
      'number',
      'true or false, default true',
      'array (JSON)',
    ])
  })
})
