/** Line splitting for text streams, used by server pipelines and client readers alike. */

/**
 * Splits text into lines (LF, CRLF or CR), carrying partial lines across chunks; CRLF split across
 * two chunks counts once. Emits the complete lines of each chunk as one batch (no empty batches),
 * so per-line work does not pay a stream hop per line. The last line may be unterminated.
 */
export function splitLines(): TransformStream<string, string[]> {
  let rest = ''
  let pendingCR = false
  return new TransformStream({
    transform(chunk, controller) {
      let text = rest + chunk
      if (pendingCR && text.startsWith('\n')) text = text.slice(1)
      // A chunk ending in CR may be the first half of CRLF: drop a leading LF from the next chunk.
      pendingCR = text.endsWith('\r')
      const lines = text.split(/\r\n|\r|\n/)
      rest = lines.pop() ?? ''
      if (lines.length > 0) controller.enqueue(lines)
    },
    flush(controller) {
      if (rest !== '') controller.enqueue([rest])
    },
  })
}
