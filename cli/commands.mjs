// The commands of `sluice streams …`: their options, help and what each does.
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { closeStream, createStream, CliError, deleteStream, downloadStream, listStreams } from './streams-client.mjs'
import { tailStream } from './stream-tail.mjs'
import { writeStream } from './stream-writer.mjs'

const note = (line) => process.stderr.write(`${line}\n`)
const print = (text) =>
  new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve(undefined))))

function wholeNumber(name, value, { min = 0 } = {}) {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value) || Number(value) < min)
    throw new CliError(`--${name} must be a whole number${min > 0 ? ` ≥ ${min}` : ''}, not "${value}"`, { usage: true })
  return Number(value)
}

/**
 * Each command: `args` (positional names), `options` for node:util parseArgs, `help`, and
 * `run({ id, values, connection })`, which returns the exit code. `patient` commands retry for
 * about a minute when the server cannot be reached or answers 5xx.
 */
export const commands = {
  create: {
    args: ['id'],
    summary: 'create a stream (protocol PUT); prints its URL',
    help: `Creates stream <id> and prints its URL. Creating the same stream again with the same settings
is harmless; other settings are refused (409).
  --content-type <type>    what the stream holds (default text/plain; application/json: one message per write)
  --ttl <seconds>          delete it this long after the last write (1 – 7776000)
  --expires-at <time>      delete it at this RFC 3339 time (at most 90 days ahead)`,
    options: { 'content-type': { type: 'string' }, ttl: { type: 'string' }, 'expires-at': { type: 'string' } },
    async run({ id, values, connection }) {
      if (values.ttl !== undefined && values['expires-at'] !== undefined)
        throw new CliError('Give --ttl or --expires-at, not both', { usage: true })
      const url = await createStream(connection(), id, {
        contentType: values['content-type'],
        ttlSeconds: wholeNumber('ttl', values.ttl, { min: 1 }),
        expiresAt: values['expires-at'],
      })
      await print(`${url}\n`)
    },
  },

  write: {
    args: ['id'],
    patient: true,
    summary: 'append stdin to a stream as it comes (batched, exactly once)',
    help: `Appends standard input to stream <id> while it is being read: one append per 64 KiB, or
50 ms after the first byte of a batch, whichever comes first; one append in flight, so memory
stays flat and a slow server slows the input down. Each append is retried under the same
producer sequence, so it is stored exactly once. On a JSON stream each line is one message.
  tail -f app.log | sluice streams write logs/app
  --close                  close the stream at the end of the input
  --checkpoint <file>      keep the progress in <file>. After a crash or kill, run the same command
                           with the same input from its start: what is stored is skipped, the
                           append that was in flight is recognised, and writing goes on — every
                           byte once (e.g. tail -n +1 -F app.log | … --checkpoint app.ckpt)`,
    options: { close: { type: 'boolean' }, checkpoint: { type: 'string' } },
    async run({ id, values, connection }) {
      if (process.stdin.isTTY) note('reading from the terminal: end with Ctrl-D')
      const result = await writeStream(connection(), id, process.stdin, { close: values.close, checkpoint: values.checkpoint })
      const skipped = result.skipped > 0 ? ` (${result.skipped} bytes were stored by an earlier run)` : ''
      note(
        `wrote ${result.bytes} bytes in ${result.appends} append${result.appends === 1 ? '' : 's'} to ${result.url}${skipped}${values.close ? '; closed it' : ''}`,
      )
    },
  },

  close: {
    args: ['id'],
    summary: 'close a stream for good (readers get its end)',
    help: 'Closes stream <id>: no more appends, and readers following it reach its end. Closing twice is harmless.',
    options: {},
    async run({ id, connection }) {
      await closeStream(connection(), id)
      note(`closed ${id}`)
    },
  },

  tail: {
    args: ['id'],
    patient: true,
    summary: 'print a stream and follow it live until it is closed',
    help: `Prints stream <id> to standard output and follows it live until it is closed (a JSON stream:
one message per line). Ctrl-C stops after the bytes being printed.
  --from <offset>          start there: -1 the beginning (default), now only what comes next, or an
                           offset printed by the server (Stream-Next-Offset)
  --offset-file <path>     save the offset after each piece printed (temp file + rename) and start
                           from it next time: a restarted tail goes on where the last one stopped,
                           with no gap and nothing twice`,
    options: { from: { type: 'string' }, 'offset-file': { type: 'string' } },
    async run({ id, values, connection }) {
      const stop = new AbortController()
      const onSignal = () => (stop.signal.aborted ? process.exit(130) : stop.abort())
      process.on('SIGINT', onSignal).on('SIGTERM', onSignal)
      await tailStream(connection(), id, { from: values.from, offsetFile: values['offset-file'], signal: stop.signal })
    },
  },

  ls: {
    args: [],
    summary: 'list streams (yours; with the operator token, all)',
    help: `Lists streams, newest first (GET /api/durable). The server lists the caller's own streams: a
script has no visitor identity and owns none, so use the operator token (SLUICE_OPERATOR_TOKEN)
to list every stream.
  --namespace <ns>         only this namespace (the id's first segment)
  --limit <n>              at most n (1 – 1000, default 100)
  --offset <n>             skip the first n
  --json                   print the server's JSON`,
    options: { namespace: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' }, json: { type: 'boolean' } },
    async run({ values, connection }) {
      const list = await listStreams(connection(), {
        namespace: values.namespace,
        limit: wholeNumber('limit', values.limit, { min: 1 }),
        offset: wholeNumber('offset', values.offset),
      })
      if (values.json) return print(`${JSON.stringify(list, null, 2)}\n`)
      const rows = list.streams.map((s) => [
        s.id,
        String(s.sizeBytes),
        s.closed ? 'closed' : 'open',
        s.contentType,
        s.createdAt,
        s.expiresAt ?? 'never',
      ])
      const table = [['ID', 'BYTES', 'STATE', 'TYPE', 'CREATED', 'EXPIRES'], ...rows]
      const widths = table[0].map((_, i) => Math.max(...table.map((row) => String(row[i]).length)))
      if (rows.length > 0)
        await print(
          table
            .map((row) =>
              row
                .map((cell, i) => String(cell).padEnd(widths[i]))
                .join('  ')
                .trimEnd(),
            )
            .join('\n') + '\n',
        )
      if (list.total === 0)
        note(
          'no streams. The list holds the caller’s own streams; a script owns none — the operator token (SLUICE_OPERATOR_TOKEN) lists all.',
        )
      else if (rows.length < list.total) note(`${rows.length} of ${list.total} shown (--limit, --offset for more)`)
    },
  },

  rm: {
    args: ['id'],
    summary: 'delete a stream',
    help: 'Deletes stream <id> and its data.',
    options: {},
    async run({ id, connection }) {
      await deleteStream(connection(), id)
      note(`deleted ${id}`)
    },
  },

  download: {
    args: ['id'],
    summary: 'save a stream’s content as it is now (stdout or -o file)',
    help: `Writes the content of stream <id> as it is now to standard output, or to a file (a JSON stream
as one array). A stream still open gives what it holds so far.
  -o, --output <file>      write to <file> (via a temporary file, renamed once complete)`,
    options: { output: { type: 'string', short: 'o' } },
    async run({ id, values, connection }) {
      const response = await downloadStream(connection(), id)
      const body = Readable.fromWeb(response.body)
      if (values.output === undefined) return pipeline(body, process.stdout, { end: false })
      const temp = `${values.output}.${process.pid}.download`
      try {
        await pipeline(body, createWriteStream(temp))
        await rename(temp, values.output)
      } catch (error) {
        await rm(temp, { force: true })
        throw error
      }
      note(`saved ${id} to ${values.output}`)
    },
  },
}
