import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { isAppError } from '@/lib/errors'
import { MAX_NAME_BYTES, newUploadId, parseUploadId, parseUploadName, pathInside } from '@/lib/uploads/names'

function refusal(run: () => unknown): string | undefined {
  try {
    run()
  } catch (error) {
    if (isAppError(error)) return `${error.status} ${error.code}`
    throw error
  }
  return undefined
}

describe('parseUploadName', () => {
  it.each(['report.pdf', 'a..b', 'résumé 2024.txt', '数据.csv', 'x'.repeat(MAX_NAME_BYTES), 'sessions', 'C:data'])(
    'accepts %j unchanged',
    (name) => expect(parseUploadName(name)).toBe(name),
  )

  it.each([
    ['', 'empty'],
    ['../etc/passwd', 'parent directory'],
    ['..', 'parent itself'],
    ['.', 'current directory'],
    ['/etc/passwd', 'absolute path'],
    ['a/b', 'nested path'],
    ['..\\windows', 'backslash traversal'],
    ['C:\\x', 'windows absolute'],
    ['a\0b', 'NUL'],
    ['a\nb', 'line feed'],
    ['a\rb', 'carriage return'],
    ['tab\there', 'tab'],
    ['bell\u0007', 'bell'],
    ['del\u007f', 'DEL'],
    ['c1\u0085', 'C1 control'],
    ['invoice\u202efdp.exe', 'bidi override'],
    ['.env', 'hidden file'],
    ['.parts', 'Sluice directory'],
    [' padded', 'leading space'],
    ['é'.repeat(MAX_NAME_BYTES / 2 + 1), 'too many UTF-8 bytes'],
  ])('refuses %j (%s) with 400 bad_request:name', (name) => {
    expect(refusal(() => parseUploadName(name))).toBe('400 bad_request:name')
  })
})

describe('pathInside', () => {
  it('gives a direct child of the directory', () => {
    expect(pathInside('/srv/uploads', 'a.txt')).toBe(path.join('/srv/uploads', 'a.txt'))
  })

  it('refuses anything that would leave it', () => {
    expect(refusal(() => pathInside('/srv/uploads', '../uploads2/x'))).toBe('400 bad_request:name')
  })
})

describe('upload ids', () => {
  it('makes ids that pass their own check and differ', () => {
    const a = newUploadId()
    expect(parseUploadId(a)).toBe(a)
    expect(newUploadId()).not.toBe(a)
  })

  it.each(['short', '../../../../etc/passwd', 'a'.repeat(65), 'has space in it ok?'])('refuses %j', (id) => {
    expect(refusal(() => parseUploadId(id))).toBe('400 bad_request:upload_id')
  })
})
