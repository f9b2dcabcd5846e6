/** RFC 4180 CSV, streaming: the parser (imports, the browser's export reader) and the formatters (exports). Browser-safe. */
export { CsvParser, parseCsv, type CsvParserOptions, type CsvRecord } from './parse'
export { csvField, csvLine, type CsvValue } from './format'
export { csvRecordMaxBytes, writeCsvRecord } from './format-bytes'
