import { AppError, isAppError } from '@/lib/errors'
import { RowParser } from '@/lib/rows/parse'
import type { Row, RowParserOptions } from '@/lib/rows/row'

export interface BodyRowsOptions extends RowParserOptions {
  /** A body longer than this fails with `too_large:body` as soon as it gets there. */
  maxBytes: number
}

/**
 * Rows read from a request body as it arrives, one network chunk at a time: bytes counted
 * against `maxBytes`, UTF-8 decoded (a character cut between two chunks is put back together;
 * bytes that are not UTF-8 fail with `bad_request:encoding`), parsed by a {@link RowParser}.
 * Nothing is read ahead: the body is read only when `next()` is called, so a caller that awaits
 * its writes reads the body at the pace it can store it.
 */
export class BodyRows {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array> | undefined
  readonly #decoder = new TextDecoder('utf-8', { fatal: true })
  readonly #parser: RowParser
  readonly #maxBytes: number
  #bytes = 0
  #done = false

  constructor(body: ReadableStream<Uint8Array> | null, options: BodyRowsOptions) {
    this.#reader = body?.getReader()
    this.#parser = new RowParser(options)
    this.#maxBytes = options.maxBytes
  }

  /** Bytes of the body read so far. */
  get bytes(): number {
    return this.#bytes
  }

  /** The body has been read to its end (and was complete and well-formed). */
  get done(): boolean {
    return this.#done
  }

  /**
   * Reads the next chunk of the body and returns the rows it completed (often none, or many).
   * At the end of the body `done` becomes true. Refusals are `AppError`s (the parser's, and
   * `too_large:body`, `bad_request:encoding`, `bad_request:aborted` when the body is cut off).
   */
  async next(): Promise<Row[]> {
    if (this.#done) return []
    let chunk: ReadableStreamReadResult<Uint8Array>
    try {
      chunk = this.#reader ? await this.#reader.read() : { done: true, value: undefined }
    } catch (error) {
      if (isAppError(error)) throw error
      throw new AppError('bad_request:aborted', 'The request body was cut off before its end (the connection closed)', { cause: error })
    }
    if (chunk.done) {
      const rows = this.#parser.push(this.#decode())
      this.#parser.end()
      this.#done = true
      return rows
    }
    this.#bytes += chunk.value.byteLength
    if (this.#bytes > this.#maxBytes) throw new AppError('too_large:body', `The body is over the limit of ${this.#maxBytes} bytes`)
    return this.#parser.push(this.#decode(chunk.value))
  }

  /**
   * After a refusal: reads the rest of the body without looking at it, as Node.js does with a
   * body nobody reads (`IncomingMessage._dump`). A client still sending then finishes its
   * request and reads the answer (browsers read a response only once they have sent the whole
   * body), and its connection can carry its next request: a body left half-read would hold that
   * request back until the server's keep-alive timeout closed the connection. Never rejects.
   */
  async discardRest(): Promise<void> {
    if (this.#done || this.#reader === undefined) return
    this.#done = true
    try {
      for (;;) {
        const chunk = await this.#reader.read()
        if (chunk.done) return
        this.#bytes += chunk.value.byteLength
      }
    } catch {
      // the client went away
    }
  }

  #decode(bytes?: Uint8Array): string {
    try {
      return bytes === undefined ? this.#decoder.decode() : this.#decoder.decode(bytes, { stream: true })
    } catch (error) {
      throw new AppError('bad_request:encoding', 'The body is not valid UTF-8', { cause: error })
    }
  }
}
