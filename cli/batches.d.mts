// Types of cli/batches.mjs, for the TypeScript tests.
import type { Buffer } from 'node:buffer'

export interface BatchOptions {
  /** Largest batch (default 64 KiB); with `lines`, a longer line goes alone. */
  maxBytes?: number
  /** How long after its first byte a batch goes, full or not (default 50 ms). */
  lingerMs?: number
  /** Cut only after a newline (one JSON message per line). */
  lines?: boolean
  /** Longest line accepted with `lines` (default 16 MiB). */
  maxLineBytes?: number
}

export function batches(source: AsyncIterable<Uint8Array | string>, options?: BatchOptions): AsyncGenerator<Buffer>

export class ByteReader {
  constructor(source: AsyncIterable<Uint8Array | string>)
  read(n: number): Promise<Buffer>
  skip(n: number): Promise<number>
  rest(): AsyncGenerator<Uint8Array | string>
}
