/**
 * `npm run bench -- identify` (MARQUEE_BENCH_DB: a library whose posters have been read): which
 * film an upload shows, on copies a visitor might bring of catalog posters (cropped, JPEG q20,
 * DVD-style frame), on the report half of the catalog (the dev half is what thresholds may be
 * looked at on: MARQUEE_BENCH_SPLIT=dev).
 *
 * - present: how often the film is named, and how often the named film is right;
 * - absent: the same uploads with their film left out of the library's answers (a film not in
 *   the catalog), how often some other film is wrongly named (issue 26 target: ≤ 3 %);
 * - latency: the image channels' first results (identify=later: nothing read), the fused answer
 *   (reading + search, cold), and the same upload again (read once: cached by content hash).
 */
import { readFileSync } from 'node:fs';
import { identify, verdict } from '../search/identify.js';
import { SearchEngine } from '../search/engine.js';
import { DEFAULT_IMAGE_WEIGHTS } from '../search/query.js';
import { openStore } from '../store/open-store.js';
import { degrade, DEGRADATIONS } from './ocr.js';
import { splitOf, type Split } from './relevance.js';
import { percentile, round } from './stats.js';

const KINDS = ['crop', 'jpeg20', 'dvd'] as const;

export async function benchIdentify(db: string): Promise<Record<string, unknown>> {
  const store = await openStore(db, { create: false });
  const engine = await SearchEngine.fromLibrary(store);
  try {
    await engine.warm();
    const split = (process.env.MARQUEE_BENCH_SPLIT ?? 'report') as Split;
    const n = Number(process.env.MARQUEE_BENCH_IDENTIFY ?? 80);
    const ids = (await store.movies.idsWithPoster(100_000)).filter((id) => splitOf('identify', id) === split);
    const step = Math.max(1, Math.floor(ids.length / n));
    const picked = ids.filter((_, i) => i % step === 0).slice(0, n);
    let named = 0, right = 0, top1 = 0, wrongAbsent = 0, queries = 0;
    const first: number[] = [], fused: number[] = [], again: number[] = [];
    const wrong: string[] = [];
    for (const id of picked) {
      const file = await store.posters.mainFile(id);
      if (!file) continue;
      for (const kind of KINDS) {
        const image = { bytes: await degrade(readFileSync(file.path), DEGRADATIONS[kind]!), source: `${id}-${kind}` };
        let t = performance.now();
        await engine.search({ image, k: 24, weights: { ...DEFAULT_IMAGE_WEIGHTS, identity: 0, typography: 0 } });
        first.push(performance.now() - t);
        engine.embedder.forgetUploads();
        t = performance.now();
        const answer = await identify(engine, image, 6);
        fused.push(performance.now() - t);
        t = performance.now();
        await identify(engine, image, 6);
        again.push(performance.now() - t);
        queries++;
        if (answer.candidates[0]?.id === id) top1++;
        if (answer.match) {
          named++;
          if (answer.match.id === id) right++;
        }
        const absent = verdict(answer.candidates.filter((r) => r.id !== id));
        if (absent) {
          wrongAbsent++;
          if (wrong.length < 30) wrong.push(`${id} (${kind}) → ${absent.title} (${absent.year}) ${absent.by} ${absent.confidence}`);
        }
      }
      process.stderr.write(`\rbench identify: ${queries} uploads`);
    }
    process.stderr.write('\n');
    const ms = (xs: number[]) => ({ p50: round(percentile(xs, 50), 0), p99: round(percentile(xs, 99), 0) });
    return {
      split,
      posters: picked.length,
      uploads: queries,
      degradations: KINDS,
      present: { r1: round(top1 / queries, 3), namedShare: round(named / queries, 3), precisionWhenNamed: round(right / Math.max(1, named), 3) },
      absent: { wronglyNamed: round(wrongAbsent / queries, 3), se: round(Math.sqrt(((wrongAbsent / queries) * (1 - wrongAbsent / queries)) / queries), 3), examples: wrong },
      latencyMs: { firstResults: ms(first), fusedAnswer: ms(fused), sameUploadAgain: ms(again) },
    };
  } finally {
    await engine.close();
    await store.close();
  }
}
