/**
 * `npm run bench -- trends`: every trend measure of a library from its stored features — loading
 * the poster table (palettes, colour histograms, signatures, face counts, OCR lines, genres) and
 * grouping each measure by decade and by year with bootstrap intervals. Target (issue 17): under
 * 2 s for the demo catalog. Run on MARQUEE_BENCH_DB (e.g. a library with faces and text) or on the
 * catalog indexed by the bench.
 */
import { openStore } from '../store/open-store.js';
import { TrendTable } from '../trends/trend-table.js';

export async function benchTrends(db: string): Promise<Record<string, unknown>> {
  const store = await openStore(db, { create: false });
  try {
    const started = performance.now();
    const table = await TrendTable.load(store);
    const loaded = performance.now();
    const measures = table.measures();
    let periods = 0;
    for (const m of measures) for (const by of ['decade', 'year'] as const) periods += table.trend({ measure: m.name, by }).periods.length;
    const done = performance.now();
    return {
      posters: table.posters.length,
      measures: measures.length,
      measuresWithValues: measures.filter((m) => m.posters > 0).map((m) => m.name).filter((n) => !n.startsWith('genre:')),
      periodsComputed: periods,
      loadMs: Math.round(loaded - started),
      groupAllMs: Math.round(done - loaded),
      totalMs: Math.round(done - started),
      targetMs: 2000,
    };
  } finally {
    await store.close();
  }
}
