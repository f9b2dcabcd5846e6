import { describe, expect, it } from 'vitest'
import { AppError, isDiskFull, toAppError } from '@/lib/errors'

describe('AppError', () => {
  it('derives the status from the kind and answers JSON without a stack', async () => {
    const res = new AppError('too_large:upload', 'Too big', { details: { limit: 10 } }).toResponse()
    expect(res.status).toBe(413)
    expect(res.headers.get('content-type')).toContain('application/json')
    expect(await res.json()).toEqual({ error: { code: 'too_large:upload', message: 'Too big', details: { limit: 10 } } })
  })

  it('maps each kind to its status', () => {
    expect(new AppError('not_found:stream', 'x').status).toBe(404)
    expect(new AppError('bad_request:query', 'x').status).toBe(400)
    expect(new AppError('unauthorized:token', 'x').status).toBe(401)
    expect(new AppError('conflict:closed', 'x').status).toBe(409)
  })

  it('hides unknown errors behind a generic internal error', () => {
    const original = console.error
    console.error = () => {}
    try {
      const e = toAppError(new Error('secret database path /var/x'))
      expect(e.code).toBe('internal:unexpected')
      expect(e.status).toBe(500)
      expect(JSON.stringify(e.toJSON())).not.toContain('secret')
    } finally {
      console.error = original
    }
  })

  it('turns a full disk into 507 insufficient_storage:disk (ENOSPC, EDQUOT, SQLITE_FULL)', () => {
    const original = console.error
    console.error = () => {}
    try {
      const sqliteFull = Object.assign(new Error('database or disk is full'), { code: 'ERR_SQLITE_ERROR', errcode: 13 })
      for (const error of [
        Object.assign(new Error('no space'), { code: 'ENOSPC' }),
        Object.assign(new Error('quota'), { code: 'EDQUOT' }),
        sqliteFull,
      ]) {
        expect(isDiskFull(error)).toBe(true)
        const e = toAppError(error)
        expect(e.code).toBe('insufficient_storage:disk')
        expect(e.status).toBe(507)
      }
      expect(isDiskFull(Object.assign(new Error('busy'), { code: 'ERR_SQLITE_ERROR', errcode: 5 }))).toBe(false)
      expect(isDiskFull(Object.assign(new Error('gone'), { code: 'ENOENT' }))).toBe(false)
    } finally {
      console.error = original
    }
  })
})
