#!/usr/bin/env node
// sluice — Sluice from a terminal, a cron job or a worker.
//
//   npm run sluice -- streams <command> [options]      npx sluice streams <command> [options]
//
// A client of the Durable Streams protocol (/v1/stream/*) and of /api/durable, on the official
// @durable-streams/client. Commands: cli/commands.mjs; the shared client: cli/streams-client.mjs.
import { parseArgs } from 'node:util'
import { commands } from '../cli/commands.mjs'
import { CliError, connect, explain } from '../cli/streams-client.mjs'

const globalOptions = { url: { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean', short: 'h' } }

const globalHelp = `Options for every command:
  --url <url>              the Sluice server (default: $SLUICE_URL, else http://localhost:3000)
  --token <token>          sent as "Authorization: Bearer <token>" (default: $SLUICE_TOKEN): the
                           server's SLUICE_STREAMS_TOKEN for writes, or SLUICE_OPERATOR_TOKEN
  -h, --help               help for a command`

const usage = `Usage: sluice streams <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${`${name} ${c.args.map((a) => `<${a}>`).join(' ')}`.padEnd(24)} ${c.summary}`)
  .join('\n')}

${globalHelp}

Run "sluice streams <command> --help" for a command's options.`

function commandUsage(name, command) {
  const flags = Object.keys(command.options).length > 0 ? ' [options]' : ''
  return `Usage: sluice streams ${name} ${command.args.map((a) => `<${a}>`).join(' ')}${flags}\n\n${command.help}\n\n${globalHelp}`
}

function fail(lines, code) {
  for (const [i, line] of lines.entries()) process.stderr.write(`${i === 0 ? 'sluice: ' : '  '}${line}\n`)
  return code
}

async function main(argv) {
  const [group, name, ...rest] = argv
  if (
    group === undefined ||
    group === '-h' ||
    group === '--help' ||
    ((group === 'streams' || group === 'help') && (name === undefined || name === '-h' || name === '--help'))
  ) {
    process.stdout.write(`${usage}\n`)
    return group === undefined ? 2 : 0
  }
  if (group !== 'streams') return fail([`unknown command "${group}"`, 'Try: sluice streams --help'], 2)
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined
  if (command === undefined) return fail([`unknown command "streams ${name}"`, 'Try: sluice streams --help'], 2)

  /** @type {Record<string, any>} */
  let values
  /** @type {string[]} */
  let positionals
  try {
    ;({ values, positionals } = parseArgs({
      args: rest,
      options: { ...globalOptions, ...command.options },
      allowPositionals: true,
      strict: true,
    }))
  } catch (error) {
    return fail([error.message, `Try: sluice streams ${name} --help`], 2)
  }
  if (values.help) {
    process.stdout.write(`${commandUsage(name, command)}\n`)
    return 0
  }
  if (positionals.length !== command.args.length) {
    const wanted = command.args.length === 0 ? 'no arguments' : command.args.map((a) => `<${a}>`).join(' ')
    return fail([`streams ${name} takes ${wanted}`, `Try: sluice streams ${name} --help`], 2)
  }

  let baseUrl = values.url ?? process.env.SLUICE_URL
  const log = (line) => process.stderr.write(`sluice: ${line}\n`)
  const connection = () => {
    const conn = connect({ url: values.url, token: values.token, patient: command.patient === true, log })
    baseUrl = conn.baseUrl
    return conn
  }
  try {
    await command.run({ id: positionals[0], values, connection })
    return 0
  } catch (error) {
    const lines = explain(error, baseUrl)
    lines[0] = `streams ${name}${positionals[0] ? ` ${positionals[0]}` : ''}: ${lines[0]}`
    return fail(lines, error instanceof CliError && error.usage ? 2 : 1)
  }
}

// A reader that goes away (`sluice streams tail x | head`) is the end of the output, not an error.
process.stdout.on('error', (error) => process.exit(error.code === 'EPIPE' ? 0 : 1))
process.exitCode = await main(process.argv.slice(2))
