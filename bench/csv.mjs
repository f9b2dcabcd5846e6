#!/usr/bin/env node
// CSV benchmark: Sluice's hand-written RFC 4180 code (lib/csv/) against the csv-parse and
// csv-stringify libraries (devDependencies, for this benchmark only),
// on the app's two hot paths, in one run, interleaved (the machine is shared: load changes from
// second to second), medians of the runs:
//
//   import: the import job's parse path — CSV text arriving in 64 KiB pieces, parsed into records
//           with their line numbers (what lib/jobs/import-stream.ts consumes);
//   export: the export's format path — export rows written as CSV into ~64 KiB chunks of bytes
//           (what lib/jobs/export-chunks.ts produces); and, for comparison, the string formatter
//           `csvLine` (what the rows export and the generated import use) on the same rows.
//
// The libraries are used as the app would have to use them: the same options (line numbers for
// the import's rejections, lone CR or LF in a field quoted for the export), their streaming API
// for the import and their fastest (sync) API for the export. What the library would still need
// on top is not counted (a record's first line when a quoted field spans lines: it reports the
// last, counting a CRLF inside quotes twice; the text of an unclosed quoted field), so its import
// figure is a best case. The README's dependency notes quote
// the figures: the library replaces the hand-written code when it is within 1.3× of its time.
//
//   npm run bench:csv                 (ROWS=1000000 npm run bench:csv for the largest import; ROWS=2000 for a smoke run)
//
// Each contestant's output is checked against the others (same records, same bytes) before any
// figure is printed. No build needed: it loads lib/ with bench/ts-hooks.mjs.
import { createHash } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'

await import('./ts-hooks.mjs')
const ours = await import('@/lib/csv')
const { parse } = await import('csv-parse')
const { stringify } = await import('csv-stringify/sync')
const { EXPORT_COLUMNS, exportRow } = await import('@/lib/jobs/jobs-database')
const { generatedCsv } = await import('@/lib/jobs/import-source')

const ROWS = Number(process.env.ROWS ?? 200_000)
const RUNS = Number(process.env.RUNS ?? 5)
const PIECE = 64 * 1024
const MiB = 2 ** 20
const fmt = (n) => Math.round(n).toLocaleString('en')
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

// --- Inputs, built once, outside the timed runs ------------------------------------------------

/** The import's generated CSV (quoted names, doubled quotes, a broken row in 25), as 64 KiB pieces. */
const importText = [...generatedCsv(ROWS, 25)].join('')
const importPieces = []
for (let i = 0; i < importText.length; i += PIECE) importPieces.push(importText.slice(i, i + PIECE))
const importBytes = importPieces.map((piece) => Buffer.from(piece))
const exportRows = Array.from({ length: ROWS }, (_, i) => exportRow(i + 1))

// --- The import path ---------------------------------------------------------------------------

/** The options the app's parse needs: RFC 4180 quoting, any line end, BOM, blank lines skipped, lenient quotes, line numbers. */
const PARSE_OPTIONS = {
  bom: true,
  relax_quotes: true,
  relax_column_count: true,
  skip_empty_lines: true,
  record_delimiter: ['\r\n', '\n', '\r'],
  max_record_size: 64 * 1024,
  info: true,
}

const importContestants = {
  /** The hand-written parser: an async generator over the pieces, as the import consumes it. */
  async 'hand-written'() {
    let records = 0
    let fields = 0
    let lastLine = 0
    for await (const record of ours.parseCsv(importPieces)) {
      records++
      fields += record.fields.length
      lastLine = record.line
    }
    return { records, fields, lastLine }
  },
  /** csv-parse's Node stream, fed the same text pieces, read with for await. */
  'csv-parse (stream)': () => libraryParse(importPieces),
  /** csv-parse's Node stream fed the UTF-8 bytes (an upload could skip our decoding). */
  'csv-parse (stream, fed bytes)': () => libraryParse(importBytes),
}

async function libraryParse(pieces) {
  let records = 0
  let fields = 0
  let lastLine = 0
  for await (const { record, info } of Readable.from(pieces).pipe(parse(PARSE_OPTIONS))) {
    records++
    fields += record.length
    lastLine = info.lines
  }
  return { records, fields, lastLine }
}

// --- The export path ---------------------------------------------------------------------------

const CHUNK = 64 * 1024
/** Rows per csv-stringify call: about one 64 KiB chunk of export rows. */
const BATCH = 500

const exportContestants = {
  /** The hand-written writer: each record written field by field straight into a 64 KiB buffer. */
  'hand-written'() {
    const hash = new Hash()
    let chunk = Buffer.allocUnsafe(CHUNK)
    let used = ours.writeCsvRecord(chunk, 0, EXPORT_COLUMNS)
    for (const row of exportRows) {
      const need = ours.csvRecordMaxBytes(row)
      if (used + need > CHUNK) {
        hash.update(chunk.subarray(0, used))
        chunk = Buffer.allocUnsafe(Math.max(CHUNK, need))
        used = 0
      }
      used = ours.writeCsvRecord(chunk, used, row)
    }
    hash.update(chunk.subarray(0, used))
    return hash.digest()
  },
  /** csv-stringify (sync API) on batches of rows, each batch one chunk of bytes. */
  'csv-stringify (sync, per batch)'() {
    const hash = new Hash()
    // CRLF between records; a field holding a lone LF or CR quoted too (the default quotes only the record delimiter).
    const options = { record_delimiter: 'windows', quoted_match: /[\r\n]/ }
    hash.update(Buffer.from(stringify([EXPORT_COLUMNS], options)))
    for (let i = 0; i < exportRows.length; i += BATCH) {
      hash.update(Buffer.from(stringify(exportRows.slice(i, i + BATCH), options)))
    }
    return hash.digest()
  },
  /** The hand-written string formatter (`csvLine`, what the rows export uses), per batch. */
  'hand-written csvLine (strings, per batch)'() {
    const hash = new Hash()
    hash.update(Buffer.from(ours.csvLine(EXPORT_COLUMNS)))
    for (let i = 0; i < exportRows.length; i += BATCH) {
      let text = ''
      for (const row of exportRows.slice(i, i + BATCH)) text += ours.csvLine(row)
      hash.update(Buffer.from(text))
    }
    return hash.digest()
  },
}

/** The length and SHA-1 of the bytes, however they were cut into chunks: every contestant's output is compared without keeping it. */
class Hash {
  #bytes = 0
  #hash = createHash('sha1')
  update(buffer) {
    this.#bytes += buffer.length
    this.#hash.update(buffer)
  }
  digest() {
    return { bytes: this.#bytes, sha1: this.#hash.digest('hex') }
  }
}

// --- Runs ----------------------------------------------------------------------------------------

async function time(work) {
  const started = performance.now()
  const result = await work()
  return { ms: performance.now() - started, result }
}

const times = { import: {}, export: {} }
const outputs = { import: {}, export: {} }
for (const [path_, contestants] of [
  ['import', importContestants],
  ['export', exportContestants],
]) {
  for (const name of Object.keys(contestants)) times[path_][name] = []
  await time(Object.values(contestants)[0]) // warm-up
}
for (let run = 0; run < RUNS; run++) {
  for (const [path_, contestants] of [
    ['import', importContestants],
    ['export', exportContestants],
  ]) {
    // Alternate the order each run, so neither side always runs right after the other's garbage.
    const names = Object.keys(contestants)
    for (const name of run % 2 ? names.reverse() : names) {
      const { ms, result } = await time(contestants[name])
      times[path_][name].push(ms)
      outputs[path_][name] = JSON.stringify(result)
    }
  }
}

let same = true
for (const path_ of ['import', 'export']) {
  const distinct = new Set(Object.values(outputs[path_]))
  if (distinct.size !== 1) {
    same = false
    console.log(`DIFFERENT ${path_} OUTPUTS: ${JSON.stringify(outputs[path_])}`)
  }
}

const results = {}
console.log(
  `rows: ${fmt(ROWS)}, ${RUNS} runs interleaved, medians; node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}`,
)
for (const { path_, label, mib } of [
  {
    path_: 'import',
    label: `import parse (${(importText.length / MiB).toFixed(1)} MiB of text in 64 KiB pieces)`,
    mib: importText.length / MiB,
  },
  { path_: 'export', label: 'export format (rows → ~64 KiB chunks of CSV bytes)', mib: 0 },
]) {
  console.log(`\n${label}`)
  const names = Object.keys(times[path_])
  const base = median(times[path_]['hand-written'])
  results[path_] = {}
  for (const name of names) {
    const ms = median(times[path_][name])
    results[path_][name] = { ms, rowsPerSecond: (ROWS / ms) * 1000 }
    const extra = mib ? `, ${((mib / ms) * 1000).toFixed(0)} MiB/s` : ''
    console.log(
      `  ${name.padEnd(44)} ${fmt(ms).padStart(7)} ms  ${fmt((ROWS / ms) * 1000).padStart(11)} rows/s${extra}   ${(ms / base).toFixed(2)}× the hand-written time`,
    )
  }
}
console.log(same ? '\nsame records and bytes from every contestant' : '\nOUTPUTS DIFFER')

const resultsDir = process.env.BENCH_RESULTS_DIR ?? path.join(import.meta.dirname, 'results')
await mkdir(resultsDir, { recursive: true })
await writeFile(
  path.join(resultsDir, `csv-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
  JSON.stringify({ rows: ROWS, runs: RUNS, results, loadavg: os.loadavg() }, null, 2),
)
if (!same) process.exitCode = 1
