/** `marquee trends`: how a measure of poster design changed by year or decade, with 95 % bootstrap intervals. */
import { TrendTable, type Trend, type TrendUnit } from '../trends/trend-table.js';
import { trendCsv } from '../trends/trend-csv.js';
import { openExistingLibrary } from './open-library.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SearchEngine } from '../search/engine.js';
import { averagePoster, typicalPosters } from '../trends/typical-posters.js';

export interface TrendsFlags {
  db?: string;
  by: TrendUnit;
  measure?: string[];
  genre?: string;
  country?: string;
  mainOnly?: boolean;
  list?: boolean;
  json?: boolean;
  csv?: boolean;
  /** The typical posters of each period instead of a measure. */
  typical?: boolean;
  /** With typical: write each period's average image here. */
  out?: string;
}

async function runTypical(opts: TrendsFlags): Promise<number> {
  const library = await openExistingLibrary(opts.db);
  const engine = await SearchEngine.fromLibrary(library);
  try {
    const table = await TrendTable.load(library);
    const q = { by: opts.by, genre: opts.genre, country: opts.country, mainOnly: opts.mainOnly };
    const periods = await typicalPosters(table, engine.indexes, q);
    if (opts.out) {
      mkdirSync(opts.out, { recursive: true });
      for (const p of periods) writeFileSync(join(opts.out, `average-${p.period}.jpg`), await averagePoster(table, engine.indexes, q, p.period));
    }
    if (opts.json) process.stdout.write(`${JSON.stringify({ by: opts.by, periods })}\n`);
    else for (const p of periods) process.stdout.write(`${p.period.padEnd(6)} ${String(p.n).padStart(5)} posters; most typical: ${p.medoids.map((m) => `${m.id}${m.rank ? `#${m.rank}` : ''} (${m.centrality.toFixed(3)})`).join(', ')}\n`);
    if (opts.out && !opts.json) process.stderr.write(`average images written to ${opts.out}\n`);
    return 0;
  } finally {
    await engine.close();
    await library.close();
  }
}

const fmt = (x: number): string => (Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(3));

export async function runTrendsCommand(opts: TrendsFlags): Promise<number> {
  if (opts.typical) return runTypical(opts);
  const library = await openExistingLibrary(opts.db);
  let table: TrendTable;
  try {
    table = await TrendTable.load(library);
  } finally {
    await library.close();
  }
  if (opts.list || !opts.measure?.length) {
    const list = table.measures();
    if (opts.json) process.stdout.write(`${JSON.stringify({ measures: list })}\n`);
    else for (const m of list) process.stdout.write(`${m.name.padEnd(22)} ${m.label} (${m.unit}); ${m.posters} posters\n`);
    if (!opts.list) process.stderr.write('give --measure <name> for a trend (the list above)\n');
    return opts.list ? 0 : 2;
  }
  const trends: Trend[] = opts.measure.map((measure) => table.trend({ measure, by: opts.by, genre: opts.genre, country: opts.country, mainOnly: opts.mainOnly }));
  if (opts.csv) {
    process.stdout.write(trendCsv(trends));
    return 0;
  }
  if (opts.json) {
    for (const t of trends) process.stdout.write(`${JSON.stringify(t)}\n`);
    return 0;
  }
  for (const t of trends) {
    const filters = [t.filters.genre && `genre ${t.filters.genre}`, t.filters.country && `country ${t.filters.country}`, t.filters.mainOnly && 'main posters only'].filter(Boolean).join(', ');
    process.stdout.write(`${t.label} by ${t.by}${filters ? ` (${filters})` : ''} — mean and 95 % interval; * fewer than 10 posters\n`);
    for (const p of t.periods) process.stdout.write(`  ${p.period.padEnd(6)} ${String(p.n).padStart(5)}  ${fmt(p.mean).padStart(8)}  [${fmt(p.low)}, ${fmt(p.high)}]${p.small ? ' *' : ''}\n`);
    if (t.undated || t.missing) process.stdout.write(`  left out: ${t.undated} posters without a year, ${t.missing} without what the measure needs\n`);
  }
  return 0;
}
