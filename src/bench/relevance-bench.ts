/**
 * `npm run bench -- relevance`: the query sets of relevance.ts on a library (MARQUEE_BENCH_DB, or
 * the catalog indexed without OCR), with the chosen text fusion on both halves and the
 * alternatives tried on the development half only, plus text-query latency p50/p99.
 * MARQUEE_BENCH_IMAGES=1 adds the degraded-upload set (reads each upload's text: minutes).
 */
import { SearchEngine } from '../search/engine.js';
import { DEFAULT_RANK_FUSION, type RankFusion } from '../search/text-retrieval.js';
import { openStore } from '../store/open-store.js';
import { evaluate, querySets } from './relevance.js';
import { percentile } from './stats.js';

/** Fusion settings compared on the development half (the first is the default). */
export const FUSION_ALTERNATIVES: Record<string, RankFusion> = {
  chosen: DEFAULT_RANK_FUSION,
  'plain-rrf-k60': { k: 60, lexical: 1, title: 1, phrase: 1, synopsis: 1, printed: 1, printedPhrase: 1, visual: 1 },
  'no-printed-phrase': { ...DEFAULT_RANK_FUSION, printedPhrase: 0 },
  'printed-phrase-3': { ...DEFAULT_RANK_FUSION, printedPhrase: 3 },
  'weighted-rrf-k60': { ...DEFAULT_RANK_FUSION, k: 60 },
  'no-phrase': { ...DEFAULT_RANK_FUSION, phrase: 0 },
  'no-printed': { ...DEFAULT_RANK_FUSION, printed: 0 },
  'no-title': { ...DEFAULT_RANK_FUSION, title: 0 },
  'lexical-only': { ...DEFAULT_RANK_FUSION, title: 0, phrase: 0, synopsis: 0, printed: 0, visual: 0 },
  'synopsis-only': { ...DEFAULT_RANK_FUSION, lexical: 0, title: 0, phrase: 0, printed: 0, visual: 0 },
  'synopsis-equal': { ...DEFAULT_RANK_FUSION, synopsis: 1 },
  'printed-half': { ...DEFAULT_RANK_FUSION, printed: 0.5 },
};

export async function benchRelevance(db: string, opts: { alternatives?: boolean } = {}) {
  const store = await openStore(db, { create: false });
  try {
    const engine = await SearchEngine.fromLibrary(store);
    const queries = await querySets(store, { images: process.env.MARQUEE_BENCH_IMAGES === '1' });
    await engine.search({ text: 'warm up', k: 10 });
    const chosen = await evaluate(engine, queries);
    const text = Object.entries(chosen.latencies).filter(([s]) => s !== 'upload').flatMap(([, l]) => l).sort((a, b) => a - b);
    const upload = (chosen.latencies.upload ?? []).sort((a, b) => a - b);
    const out: Record<string, unknown> = {
      queries: queries.length,
      sets: chosen.sets,
      latencyMs: { text: { n: text.length, p50: percentile(text, 50), p99: percentile(text, 99) }, ...(upload.length ? { upload: { n: upload.length, p50: percentile(upload, 50), p99: percentile(upload, 99) } } : {}) },
      devMisses: Object.fromEntries(Object.entries(chosen.misses).map(([s, m]) => [s, m.slice(0, 8)])),
    };
    if (opts.alternatives !== false) {
      const dev = queries.filter((q) => q.split === 'dev' && q.text !== undefined);
      const alternatives: Record<string, unknown> = {};
      for (const [name, fusion] of Object.entries(FUSION_ALTERNATIVES)) {
        engine.rankFusion = fusion;
        const r = await evaluate(engine, dev);
        alternatives[name] = Object.fromEntries(Object.entries(r.sets).map(([s, m]) => [s, m.dev]));
      }
      engine.rankFusion = undefined;
      out.devAlternatives = alternatives;
    }
    await engine.close();
    return out;
  } finally {
    await store.close();
  }
}
