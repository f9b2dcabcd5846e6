import { defineScript, type CommandParser, type RedisArgument } from 'redis'
import { DELETE_CHAT, RENAME_CHAT, SET_ACTIVE_STREAM } from '@/lib/chat/redis-keys'
import * as durable from '@/lib/durable/redis/lua'
import * as lifecycle from '@/lib/durable/redis/lua-lifecycle'
import { READ_EXPORT_BATCH, SWAP_EXPORT_TABLE } from '@/lib/jobs/redis-export-table'
import { FINISH_IMPORT_JOB } from '@/lib/jobs/redis-keys'
import { RELEASE_LEASE, RENEW_LEASE, STOP_TASK } from '@/lib/stop-signals/redis-keys'

/**
 * Every Lua script Sluice runs, registered in one place: each feature writes its scripts' source
 * next to the code that calls them, and this registry gives them to the one connection
 * (`connection.ts`), which runs them by SHA (`EVALSHA`, falling back to `EVAL` once per
 * connection). Features call them as methods: `client.appendStream(keys, args)`.
 *
 * Scripts that announce a change publish with `redis.call(PUBLISH, channel, message)`, where
 * `PUBLISH` is set by a one-line header: `PUBLISH` on one Redis server, `SPUBLISH` (sharded
 * pub/sub, Redis ≥ 7) on a Redis Cluster, so that a message goes to the shard that owns the
 * channel's slot instead of to every node. A script's channel always carries the hash tag of its
 * keys, so it is on the same slot.
 */

/** What a Lua script answers: arrays of strings, integers and nested arrays. */
export type ScriptReply = Array<string | number | ScriptReply>

/** Which publish command scripts use: plain pub/sub on one server, sharded pub/sub on a cluster. */
export type PublishCommand = 'PUBLISH' | 'SPUBLISH'

/** Removes a sorted-set member only if its score is still the one seen. KEYS: the set. ARGV: member, score. */
export const ZREM_IF_SCORE = `
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if s and tonumber(s) == tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
`

function script<Reply = ScriptReply>(publish: PublishCommand, source: string, numberOfKeys: number) {
  return defineScript({
    SCRIPT: `local PUBLISH = '${publish}'\n${source}`,
    NUMBER_OF_KEYS: numberOfKeys,
    parseCommand(parser: CommandParser, keys: readonly string[], args: readonly RedisArgument[]) {
      for (const key of keys) parser.pushKey(key)
      parser.push(...args)
    },
    transformReply: (reply: unknown) => reply as Reply,
  })
}

/** The registry, for one kind of deployment. */
export function scriptsFor(publish: PublishCommand) {
  return {
    // Durable streams (lib/durable/redis/lua.ts, lua-lifecycle.ts). KEYS: meta, producers, base.
    createStream: script(publish, durable.CREATE, 3),
    appendStream: script(publish, durable.APPEND, 3),
    touchStream: script(publish, durable.TOUCH, 1),
    removeStream: script(publish, lifecycle.REMOVE, 3),
    pinSource: script(publish, lifecycle.PIN_SOURCE, 1),
    releaseSource: script(publish, lifecycle.RELEASE_SOURCE, 1),
    finishCompression: script(publish, lifecycle.FINISH_COMPRESSION, 3),
    // Chats (lib/chat/redis-keys.ts)
    setActiveStream: script<number>(publish, SET_ACTIVE_STREAM, 1),
    renameChat: script<number>(publish, RENAME_CHAT, 1),
    deleteChat: script<string>(publish, DELETE_CHAT, 3),
    // Jobs (lib/jobs/redis-export-table.ts, redis-keys.ts)
    swapExportTable: script<number>(publish, SWAP_EXPORT_TABLE, 3),
    readExportBatch: script<string[]>(publish, READ_EXPORT_BATCH, 1),
    finishImportJob: script<number>(publish, FINISH_IMPORT_JOB, 1),
    // Stop signals (lib/stop-signals/redis-keys.ts)
    renewLease: script<number>(publish, RENEW_LEASE, 1),
    releaseLease: script<number>(publish, RELEASE_LEASE, 1),
    stopTask: script<number>(publish, STOP_TASK, 1),
    // Indexes kept as hints (durable streams' listings, chats by update time)
    zRemIfScore: script<number>(publish, ZREM_IF_SCORE, 1),
  }
}

export type Scripts = ReturnType<typeof scriptsFor>
