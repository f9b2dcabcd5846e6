import { setImmediate as nextTurn } from 'node:timers/promises'
import { describe, expect, test } from 'vitest'
import { deferred, type Deferred } from '@/lib/async'
import { SharedReads } from '@/lib/durable/redis/shared-reads'
import type { BinaryCommands, RedisCommands } from '@/lib/redis'

/**
 * The single-flight rules of the Redis store's reads, on a fake connection whose answers the test
 * releases: which calls may share a command and which must send their own. (That live readers
 * really share them is shown on a real Redis in `redis-store.test.ts`.)
 */
function fakeConnection() {
  const sent: Array<{ command: string; args: unknown[]; answer: Deferred<unknown> }> = []
  const send =
    (command: string) =>
    (...args: unknown[]) => {
      const answer = deferred<unknown>()
      sent.push({ command, args, answer })
      return answer.promise
    }
  const client = { hGetAll: send('HGETALL') } as unknown as RedisCommands
  const binary = { getRange: send('GETRANGE') } as unknown as BinaryCommands
  return { reads: new SharedReads(client, binary), sent }
}

describe('shared reads', () => {
  test('metadata reads asked for in one turn share one command, and every caller gets its answer', async () => {
    const { reads, sent } = fakeConnection()
    const answers = Promise.all([reads.meta('m1'), reads.meta('m1'), reads.meta('m1')])
    const other = reads.meta('m2')
    expect(sent).toHaveLength(0) // sent once the turn has run
    await nextTurn()
    expect(sent.map((s) => [s.command, s.args[0]])).toEqual([
      ['HGETALL', 'm1'],
      ['HGETALL', 'm2'],
    ])
    sent[0]!.answer.resolve({ tail: '5' })
    sent[1]!.answer.resolve({ tail: '9' })
    expect(await answers).toEqual([{ tail: '5' }, { tail: '5' }, { tail: '5' }])
    expect(await other).toEqual({ tail: '9' })
  })

  test('a metadata read asked for after the command was sent does not share it (it could be older than the call)', async () => {
    const { reads, sent } = fakeConnection()
    const early = reads.meta('m')
    await nextTurn()
    const late = reads.meta('m') // the first command is on its way, unanswered
    await nextTurn()
    expect(sent).toHaveLength(2)
    sent[0]!.answer.resolve({ tail: '1' })
    sent[1]!.answer.resolve({ tail: '2' })
    expect(await early).toEqual({ tail: '1' })
    expect(await late).toEqual({ tail: '2' })
  })

  test('a failed metadata read fails every caller that shared it', async () => {
    const { reads, sent } = fakeConnection()
    const both = [reads.meta('m'), reads.meta('m')]
    await nextTurn()
    sent[0]!.answer.reject(new Error('connection lost'))
    for (const answer of both) await expect(answer).rejects.toThrow('connection lost')
  })

  test('byte reads of one range share the command in flight; other ranges read for themselves; nothing is kept after', async () => {
    const { reads, sent } = fakeConnection()
    const same = [reads.range('seg', 0, 9), reads.range('seg', 0, 9)]
    const later = reads.range('seg', 10, 19)
    const otherKey = reads.range('seg2', 0, 9)
    expect(sent.map((s) => s.args)).toEqual([
      ['seg', 0, 9],
      ['seg', 10, 19],
      ['seg2', 0, 9],
    ])
    sent[0]!.answer.resolve(Buffer.from('0123456789'))
    sent[1]!.answer.resolve(Buffer.from('abcdefghij'))
    sent[2]!.answer.resolve(Buffer.from('ABCDEFGHIJ'))
    expect((await Promise.all(same)).map(String)).toEqual(['0123456789', '0123456789'])
    expect(String(await later)).toBe('abcdefghij')
    expect(String(await otherKey)).toBe('ABCDEFGHIJ')
    expect(reads.inFlight).toBe(0)
    void reads.range('seg', 0, 9) // settled reads are not cached: a new command
    expect(sent).toHaveLength(4)
  })
})
