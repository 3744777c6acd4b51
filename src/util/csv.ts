/**
 * The CSV Marquee writes for people to open in a spreadsheet (search results, pairs, borrowings, a
 * film's shots): a header row, booleans as `true`/`false` (csv-stringify writes 1 and an empty
 * cell), and a field holding a lone carriage return quoted too (csv-stringify quotes only commas,
 * quotes and line feeds by itself). No Node API: the web pages build the same files.
 */
import { stringify } from 'csv-stringify/sync';

export function csvTable(rows: Record<string, unknown>[], columns: string[]): string {
  return stringify(rows, { header: true, columns, cast: { boolean: (v: boolean) => String(v) }, quoted_match: /\r/ });
}
