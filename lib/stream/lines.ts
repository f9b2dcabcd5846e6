/** Line splitting for text streams, used by server pipelines and client readers alike. */

/** Splits text into lines (LF, CRLF or CR), carrying partial lines across chunks. The last line may be unterminated. */
export function splitLines(): TransformStream<string, string> {
  let rest = ''
  let pendingCR = false
  return new TransformStream({
    transform(chunk, controller) {
      let text = rest + chunk
      if (pendingCR && text.startsWith('\n')) text = text.slice(1)
      pendingCR = false
      const parts = text.split(/\r\n|\r|\n/)
      rest = parts.pop() ?? ''
      // A chunk ending in CR may be the first half of CRLF: drop a leading LF from the next chunk.
      if (text.endsWith('\r')) pendingCR = true
      for (const line of parts) controller.enqueue(line)
    },
    flush(controller) {
      if (rest !== '') controller.enqueue(rest)
    },
  })
}
