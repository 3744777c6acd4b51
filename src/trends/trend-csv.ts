/** A trend as CSV (every chart's export): one row per period, with the filters in the first columns. */
import { stringify } from 'csv-stringify/sync';
import type { Trend } from './trend-table.js';

const round = (x: number): number | string => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : '');

export function trendCsv(trends: Trend[]): string {
  const rows = trends.flatMap((t) =>
    t.periods.map((p) => ({ measure: t.measure, by: t.by, genre: t.filters.genre ?? '', country: t.filters.country ?? '', period: p.period, start: p.start, n: p.n, mean: round(p.mean), low: round(p.low), high: round(p.high), small: p.small })),
  );
  return stringify(rows, { header: true, columns: ['measure', 'by', 'genre', 'country', 'period', 'start', 'n', 'mean', 'low', 'high', 'small'] });
}
