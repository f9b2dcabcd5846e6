import type { BinaryCommands, RedisCommands } from '@/lib/redis'
import type { MetaHash } from '@/lib/durable/redis/meta'

/**
 * Single-flight reads of the Redis store on one instance, so that the live readers of a stream
 * woken by the same append cost Redis one wake-up read per instance rather than one per reader.
 * A woken reader looks the stream up, reads the new bytes `[its offset, tail)`, then checks the
 * stream again before it waits for the next append (`follow.ts`, `RedisStore.waitForChange`);
 * readers woken together take these steps together, so:
 *
 * - **A stream's metadata** (`HGETALL` of its hash): calls made before the command is sent share
 *   it. The command is sent once the current turn of the event loop has run (`setImmediate`),
 *   so every caller gets an answer read *after* it asked — sharing never hands anyone a state
 *   older than its call (an append acknowledged before the call is always seen).
 * - **A range of bytes** (`GETRANGE` of one segment of one incarnation): calls for the same range
 *   while it is in flight share it. Committed bytes never change, so an answer is right for every
 *   caller whenever it was read; readers at other offsets (catching up) ask for other ranges and
 *   read for themselves.
 *
 * Nothing is kept once a command settles: what is held is bounded by the commands in flight
 * (at most the readers' own read-ahead, as without sharing), never a per-stream buffer. Callers
 * share the answers: they must not modify them (no reader does: bytes are encoded or copied).
 */
export class SharedReads {
  private readonly metas = new Map<string, Promise<MetaHash>>()
  private readonly ranges = new Map<string, Promise<Buffer | null>>()

  constructor(
    private readonly client: RedisCommands,
    private readonly binary: BinaryCommands,
  ) {}

  /** The hash at `key` (`{}` if absent), read after this call; shared with the calls of the same turn. */
  meta(key: string): Promise<MetaHash> {
    let pending = this.metas.get(key)
    if (!pending) {
      pending = new Promise<MetaHash>((resolve, reject) => {
        setImmediate(() => {
          this.metas.delete(key) // later calls send their own command
          this.client.hGetAll(key).then(resolve, reject)
        })
      })
      this.metas.set(key, pending)
    }
    return pending
  }

  /** Bytes `[start, end]` (inclusive, as `GETRANGE`) of the string at `key`; shared while in flight. */
  range(key: string, start: number, end: number): Promise<Buffer | null> {
    const id = `${key}\n${start}\n${end}`
    let pending = this.ranges.get(id)
    if (!pending) {
      pending = this.binary.getRange(key, start, end) as Promise<Buffer | null>
      this.ranges.set(id, pending)
      const forget = () => {
        if (this.ranges.get(id) === pending) this.ranges.delete(id)
      }
      pending.then(forget, forget)
    }
    return pending
  }

  /** Reads in flight or about to be sent (for tests and metrics). */
  get inFlight(): number {
    return this.metas.size + this.ranges.size
  }
}
