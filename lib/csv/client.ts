/** CSV's light door, safe in a browser bundle: the streaming parser (the export reader on /jobs uses it). */
export { CsvParser, parseCsv, type CsvParserOptions, type CsvRecord } from './parse'
